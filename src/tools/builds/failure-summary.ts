/**
 * getFailureSummary's answer: the facts gathered about a failed build, cut to fit about 500 tokens
 * (text and structured content together), with less detail until they fit.
 */
import { z } from "zod";
import type { ErrorBlock } from "../../diagnosis/errors.js";
import type { Located } from "../../diagnosis/locate.js";
import { stagePath } from "../../diagnosis/stages.js";
import type { Build } from "../../jenkins/builds.js";
import { describeBuild } from "../../jenkins/paths.js";
import { isFailing, type TestCase, type TestReport } from "../../jenkins/tests.js";
import { cut, testError } from "./excerpts.js";

/** Text and structured content together, in bytes: about 500 tokens. */
const SUMMARY_BYTES = 2000;

/** Less and less detail, until the answer fits. */
const DETAIL = [
  { blocks: 2, lines: 6, context: true, tests: 3, commits: 3, width: 160 },
  { blocks: 2, lines: 4, context: false, tests: 2, commits: 2, width: 140 },
  { blocks: 1, lines: 3, context: false, tests: 2, commits: 1, width: 120 },
  { blocks: 1, lines: 2, context: false, tests: 1, commits: 1, width: 100 },
  { blocks: 1, lines: 1, context: false, tests: 1, commits: 0, width: 80 },
] as const;
type Detail = (typeof DETAIL)[number];

const argument = z.union([z.string(), z.number()]);

export const summarySchema = z.object({
  jobFullName: z.string(),
  buildNumber: z.number(),
  result: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number(),
  causes: z.array(z.string()),
  failedStage: z
    .object({
      name: z.string(),
      status: z.string(),
      branch: z.string().nullable(),
      step: z.string().nullable(),
      error: z.string().nullable(),
    })
    .nullable(),
  errors: z.array(
    z.object({
      kind: z.string(),
      log: z.enum(["step", "build"]),
      line: z.number().nullable(),
      linesFromEnd: z.number().nullable(),
      command: z.string().nullable(),
      lines: z.array(z.string()),
    }),
  ),
  notScanned: z.string().nullable(),
  tests: z
    .object({
      total: z.number(),
      failed: z.number(),
      skipped: z.number(),
      failing: z.array(
        z.object({ name: z.string(), error: z.string().nullable(), age: z.number().nullable() }),
      ),
    })
    .nullable(),
  failingSince: z.object({ build: z.number(), lastSuccess: z.number().nullable() }).nullable(),
  changes: z
    .object({
      total: z.number(),
      complete: z.boolean(),
      commits: z.array(z.object({ id: z.string(), author: z.string(), message: z.string() })),
    })
    .nullable(),
  next: z.object({ tool: z.string(), arguments: z.record(z.string(), argument) }).nullable(),
});

export type Summary = z.input<typeof summarySchema>;

interface Commit {
  id: string;
  author: string;
  message: string;
}

/** What was learnt about a failed build. */
export interface Evidence {
  located: Located;
  report: TestReport | null;
  streak: { failingSince: number; lastSuccess: number | null } | null;
  /** Commits since the last success, newest first; `complete` false when some were not read. */
  changes: { commits: Commit[]; complete: boolean } | null;
}

interface Shaping {
  mask: (text: string) => string;
  offers: (tool: string) => boolean;
}

type BuildFacts = Build & { jobFullName: string };

export function fitSummary(
  build: BuildFacts,
  evidence: Evidence | undefined,
  shaping: Shaping,
): { text: string; structured: Summary } {
  let fitted: { text: string; structured: Summary } | undefined;
  for (const detail of DETAIL) {
    const structured = summarize(build, evidence, detail, shaping);
    fitted = { text: renderSummary(structured), structured };
    const bytes = Buffer.byteLength(fitted.text) + Buffer.byteLength(JSON.stringify(structured));
    if (bytes <= SUMMARY_BYTES) break;
  }
  return fitted as { text: string; structured: Summary };
}

function summarize(
  build: BuildFacts,
  evidence: Evidence | undefined,
  detail: Detail,
  { mask, offers }: Shaping,
): Summary {
  // Masked whole, then cut: a credential cut first may no longer look like one, and show in part.
  const shown = (text: string) => cut(mask(text), detail.width);
  const errors = evidence ? errorsOf(evidence.located, detail, shown) : [];
  return {
    jobFullName: build.jobFullName,
    buildNumber: build.number,
    result: build.result,
    startedAt: build.startedAt,
    durationMs: build.durationMs,
    causes: build.causes.map((cause) => cut(cause, detail.width)),
    failedStage: evidence ? failedStage(evidence.located, detail, shown) : null,
    errors,
    notScanned: evidence ? notScanned(evidence.located) : null,
    tests: evidence && build.tests ? testsOf(build.tests, evidence.report, detail, shown) : null,
    failingSince: evidence?.streak
      ? { build: evidence.streak.failingSince, lastSuccess: evidence.streak.lastSuccess }
      : null,
    changes: evidence?.changes
      ? {
          total: evidence.changes.commits.length,
          complete: evidence.changes.complete,
          commits: evidence.changes.commits.slice(0, detail.commits).map((commit) => ({
            id: commit.id,
            author: cut(commit.author, 40),
            message: shown(commit.message),
          })),
        }
      : null,
    next: evidence ? nextCall(build, evidence, errors, { mask, offers }) : null,
  };
}

function failedStage(
  located: Located,
  detail: Detail,
  shown: (text: string) => string,
): Summary["failedStage"] {
  const failure = located.failure;
  if (!failure) return null;
  const { stage } = failure.at;
  const error = failure.step?.error ?? stage.error;
  return {
    name: cut(stagePath(failure.at.path), detail.width),
    status: stage.status,
    branch: failure.branch,
    step: failure.step ? cut(failure.step.label, detail.width) : null,
    error: error === null ? null : shown(error),
  };
}

type ShownError = Summary["errors"][number];

/** The first blocks, and the last one when more were found: the first error usually causes the rest. */
function errorsOf(located: Located, detail: Detail, shown: (text: string) => string): ShownError[] {
  const placed = placedBlocks(located);
  // One block: the first. More: the first ones and the last, which names what failed overall.
  const chosen =
    placed.length > detail.blocks && detail.blocks > 1
      ? [...placed.slice(0, detail.blocks - 1), ...placed.slice(-1)]
      : placed.slice(0, detail.blocks);
  return chosen.map(({ block, log, fromEnd }) => {
    const lines = block.lines.filter((line) => detail.context || line.decisive).slice(0, detail.lines);
    const first = lines[0]?.lineNumber ?? block.lineNumber;
    return {
      kind: block.kind,
      log,
      line: fromEnd === null ? first : null,
      linesFromEnd: fromEnd === null ? null : fromEnd - first,
      command: block.command ? shown(block.command.text) : null,
      lines: lines.map((line) => shown(line.text)),
    };
  });
}

/** Blocks with the log they are in; `fromEnd`: the line count of a tail read, whose lines count from the end. */
function placedBlocks(
  located: Located,
): Array<{ block: ErrorBlock; log: "step" | "build"; fromEnd: number | null }> {
  if (located.stepErrors) {
    return located.stepErrors.blocks.map((block) => ({ block, log: "step" as const, fromEnd: null }));
  }
  const findings = located.buildErrors;
  if (!findings) return [];
  const tail = findings.tail;
  return [
    ...findings.scan.blocks.map((block) => ({ block, log: "build" as const, fromEnd: null })),
    ...(tail?.blocks ?? []).map((block) => ({ block, log: "build" as const, fromEnd: tail?.lineCount ?? 0 })),
  ];
}

function notScanned(located: Located): string | null {
  const scan = located.stepErrors ?? located.buildErrors?.scan;
  if (!scan?.stoppedBy) return null;
  const size =
    scan.scannedBytes < 1024 * 1024
      ? `${Math.ceil(scan.scannedBytes / 1024)} KB`
      : `${Math.round(scan.scannedBytes / 1024 / 1024)} MB`;
  const why = scan.stoppedBy === "deadline" ? "the time limit" : "the size limit";
  const tail = located.buildErrors?.tail ? ` and the last ${located.buildErrors.tail.lineCount}` : "";
  return `Read the first ${scan.scannedLines} lines (${size})${tail} before ${why}; searchBuildLog reads the rest.`;
}

function testsOf(
  counts: NonNullable<Build["tests"]>,
  report: TestReport | null,
  detail: Detail,
  shown: (text: string) => string,
): Summary["tests"] {
  const failing = report?.cases.filter((test) => isFailing(test.status)) ?? [];
  return {
    ...counts,
    failing: failing.slice(0, detail.tests).map((test) => {
      const error = testError(test);
      return {
        name: cut(simpleName(test), detail.width),
        error: error === null ? null : shown(error),
        age: test.age ?? null,
      };
    }),
  };
}

function simpleName(test: TestCase): string {
  return `${test.className.split(".").pop() ?? test.className}.${test.name}`;
}

/**
 * The call that shows the error in full: the stage's log, the build log at the error, or the
 * tests. Only a tool the server offers; an error found in a step's own log has no line in the
 * build log, so without getStageLog its text is searched for.
 */
function nextCall(
  build: BuildFacts,
  evidence: Evidence,
  errors: readonly ShownError[],
  { mask, offers }: Shaping,
): Summary["next"] {
  const target = { jobFullName: build.jobFullName, buildNumber: build.number };
  const failure = evidence.located.failure;
  const first = errors[0];
  const candidates: Array<NonNullable<Summary["next"]>> = [];
  if (failure)
    candidates.push({ tool: "getStageLog", arguments: { ...target, stage: stagePath(failure.at.path) } });
  if (first?.log === "step") {
    const pattern = searchablePart(evidence.located.stepErrors?.blocks[0], mask);
    if (pattern) candidates.push({ tool: "searchBuildLog", arguments: { ...target, pattern } });
  } else if (first?.line != null) {
    candidates.push({ tool: "getBuildLog", arguments: { ...target, skip: first.line, limit: 50 } });
  } else if (first?.linesFromEnd != null) {
    candidates.push({
      tool: "getBuildLog",
      arguments: { ...target, limit: -Math.min(first.linesFromEnd, 5000) },
    });
  }
  if (evidence.report) candidates.push({ tool: "getTestResults", arguments: target });
  if (!first) candidates.push({ tool: "getBuildLog", arguments: { ...target, limit: 100 } });
  return candidates.find((call) => offers(call.tool)) ?? null;
}

/**
 * The start of a block's first error line, what searchBuildLog finds it by; none when it holds
 * something masked, which the model must not see and the search would not find masked.
 */
function searchablePart(block: ErrorBlock | undefined, mask: (text: string) => string): string | null {
  const line = block?.lines.find((candidate) => candidate.decisive)?.text.trim();
  if (!line || mask(line) !== line) return null;
  return cut(line, 80).replace(/\u2026$/, "");
}

function renderSummary(summary: Summary): string {
  const name = describeBuild([summary.jobFullName], summary.buildNumber);
  const cause = summary.causes.length ? ` (${summary.causes.join("; ")})` : "";
  if (summary.result === null)
    return `${name} is still running (started ${summary.startedAt}${cause}); it has no result yet.`;
  const lines = [
    `${name}: ${summary.result}, started ${summary.startedAt}, took ${Math.round(summary.durationMs / 1000)} s${cause}`,
  ];
  if (summary.result === "SUCCESS") {
    lines.push("It succeeded: nothing to diagnose.");
    return lines.join("\n");
  }
  lines.push(...stageLines(summary), ...errorLines(summary), ...testLines(summary), ...historyLines(summary));
  if (summary.next) lines.push(`Next: ${summary.next.tool} ${JSON.stringify(summary.next.arguments)}`);
  return lines.join("\n");
}

function stageLines({ failedStage: stage }: Summary): string[] {
  if (!stage) return [];
  const branch = stage.branch && !stage.name.endsWith(stage.branch) ? ` (branch ${stage.branch})` : "";
  const step = stage.step ? `, step ${stage.step}` : "";
  return [`Stage "${stage.name}"${branch} ${stage.status}${step}${stage.error ? `: ${stage.error}` : ""}`];
}

function errorLines(summary: Summary): string[] {
  if (summary.errors.length === 0) {
    return [
      `No error lines found in the ${summary.notScanned ? "part of the log read" : "log"}.`,
      ...notes(summary),
    ];
  }
  const lines = [
    summary.errors[0]?.log === "step"
      ? "Errors in the failed step's own log (line numbers in that log, as getStageLog shows it):"
      : "Errors in the build log (line numbers as getBuildLog's skip; -N: N lines from the end):",
  ];
  for (const error of summary.errors) {
    if (error.command) lines.push(`  after ${error.command}`);
    const start = error.line ?? -(error.linesFromEnd ?? 0);
    lines.push(
      ...error.lines.map((text, offset) => `${start < 0 ? start + offset : start + offset} ${text}`),
    );
  }
  return [...lines, ...notes(summary)];
}

function notes(summary: Summary): string[] {
  return summary.notScanned ? [summary.notScanned] : [];
}

function testLines({ tests }: Summary): string[] {
  if (!tests) return [];
  const lines = [`Tests: ${tests.failed} of ${tests.total} failed, ${tests.skipped} skipped`];
  for (const test of tests.failing) {
    const age = test.age === null ? "" : test.age <= 1 ? " (new)" : ` (failing for ${test.age} builds)`;
    lines.push(`- ${test.name}${age}${test.error ? `: ${test.error}` : ""}`);
  }
  if (tests.failed > tests.failing.length) lines.push(`  (getTestResults lists all ${tests.failed})`);
  return lines;
}

function historyLines({ failingSince, changes, buildNumber }: Summary): string[] {
  const lines: string[] = [];
  if (failingSince) {
    const since =
      failingSince.build === buildNumber ? "First failure" : `Failing since #${failingSince.build}`;
    const success =
      failingSince.lastSuccess === null
        ? "no earlier success found"
        : `last success #${failingSince.lastSuccess}`;
    lines.push(`${since}; ${success}.`);
  }
  if (changes) {
    const count = `${changes.complete ? "" : "at least "}${changes.total} commit${changes.total === 1 ? "" : "s"}`;
    const since = failingSince?.lastSuccess ? ` since #${failingSince.lastSuccess}` : "";
    lines.push(changes.total === 0 ? `No commits${since}.` : `Changes${since}: ${count}`);
    for (const commit of changes.commits) lines.push(`- ${commit.id} ${commit.author}: ${commit.message}`);
  }
  return lines;
}

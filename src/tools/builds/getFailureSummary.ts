import { z } from "zod";
import type { Build } from "../../jenkins/builds.js";
import type { JenkinsClient } from "../../jenkins/client.js";
import { JenkinsError } from "../../jenkins/errors.js";
import { describeBuild, type JobPath, parseJobPath } from "../../jenkins/paths.js";
import type { PipelineRun } from "../../jenkins/pipelines.js";
import { isFailing, type TestCase, type TestReport } from "../../jenkins/tests.js";
import { defineTool, type ToolContext } from "../registry.js";
import { logResourceLink, logUri } from "../resource-uris.js";
import { buildNumber, jobFullName } from "../schemas.js";
import { cut, testError } from "./excerpts.js";

type BuildFacts = Build & { jobFullName: string };

/** The answer to a read that may legitimately find nothing (no stage view, no test report). */
async function unlessMissing<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof JenkinsError && error.kind === "notFound") return null;
    throw error;
  }
}

function simpleName(test: TestCase): string {
  return `${test.className.split(".").pop() ?? test.className}.${test.name}`;
}

/** Lines read from the end of the log for its first errors: failures are almost always there. */
const TAIL_LINES = 300;
const ERROR_LINE =
  /\b(error|exception|fail(?:ed|ure|s)?|fatal|panic|traceback|cannot|could not|denied|refused|timed out|exit (?:code|status) [1-9])/i;
/** Lines that mention failure without saying what failed. */
const NOT_AN_ERROR = /^(Finished: |\[Pipeline\] )/;
/**
 * The Timestamper plugin's prefix (`[2026-11-20T09:14:03.512Z] `, or a time of day), which comes
 * before Jenkins' own words on every line of a pipeline.
 */
const TIMESTAMP = /^\[?(?:\d{4}-\d{2}-\d{2}T)?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?Z?\]?\s+/;

/** A line that reports an error, rather than Jenkins' own steps and verdict. */
export function isErrorLine(line: string): boolean {
  return ERROR_LINE.test(line) && !NOT_AN_ERROR.test(line.replace(TIMESTAMP, ""));
}
/** The answer stays under about 500 tokens. */
const SUMMARY_CHARS = 2000;

/** Less and less detail, until the summary fits. */
const DETAIL = [
  { blocks: 3, lines: 6, before: 1, after: 2, tests: 3, width: 200 },
  { blocks: 2, lines: 5, before: 1, after: 2, tests: 3, width: 160 },
  { blocks: 2, lines: 4, before: 0, after: 1, tests: 2, width: 140 },
  { blocks: 1, lines: 3, before: 0, after: 1, tests: 1, width: 120 },
  { blocks: 1, lines: 1, before: 0, after: 0, tests: 1, width: 100 },
] as const;
type Detail = (typeof DETAIL)[number];

const summarySchema = z.object({
  jobFullName: z.string(),
  buildNumber: z.number(),
  result: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number(),
  causes: z.array(z.string()),
  failedStage: z.object({ name: z.string(), status: z.string(), error: z.string().nullable() }).nullable(),
  tests: z
    .object({
      total: z.number(),
      failed: z.number(),
      skipped: z.number(),
      failing: z.array(z.object({ name: z.string(), error: z.string().nullable() })),
    })
    .nullable(),
  errors: z.array(z.object({ linesFromEnd: z.number(), lines: z.array(z.string()) })),
});

type Summary = z.input<typeof summarySchema>;

interface Evidence {
  stages: PipelineRun | null;
  report: TestReport | null;
  /** The log's last lines, oldest first. */
  tail: string[];
}

export const getFailureSummary = defineTool({
  name: "getFailureSummary",
  toolset: "builds",
  core: true,
  guide: "says why a build failed",
  title: "Why did it fail",
  description:
    'Why a build failed, in one small answer: result, cause, failed pipeline stage, failing tests, and the first error lines near the end of the log with line offsets for getBuildLog. E.g. {"jobFullName": "team/api"} for the last build.',
  inputSchema: z.object({ jobFullName, buildNumber: buildNumber.optional() }),
  outputSchema: summarySchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const build = await context.readBuild(input.jobFullName, input.buildNumber);
    const evidence = build.building || build.result === "SUCCESS" ? undefined : await gather(build, context);
    const summary = fitSummary(build, evidence, context.mask);
    context.audit.done = `summarized ${build.jobFullName} #${build.number} (${build.result ?? "running"})`;
    return {
      text: summary.text,
      structured: summary.structured,
      links: [logResourceLink(build.jobFullName, build.number)],
    };
  },
});

async function gather(build: BuildFacts, context: ToolContext): Promise<Evidence> {
  const { jenkins, signal } = context;
  const path = parseJobPath(build.jobFullName);
  const [stages, report, tail] = await Promise.all([
    unlessMissing(jenkins.pipelineRun(path, build.number, signal)),
    build.tests && build.tests.failed > 0
      ? unlessMissing(jenkins.testReport(path, build.number, signal))
      : Promise.resolve(null),
    unlessMissing(readTail(jenkins, path, build.number, signal)),
  ]);
  return { stages, report, tail: tail ?? [] };
}

async function readTail(jenkins: JenkinsClient, path: JobPath, number: number, signal: AbortSignal) {
  return (await jenkins.logTail({ path, build: number, lines: TAIL_LINES, signal })).lines;
}

function fitSummary(
  build: BuildFacts,
  evidence: Evidence | undefined,
  mask: (text: string) => string,
): { text: string; structured: Summary } {
  let fitted: { text: string; structured: Summary } | undefined;
  for (const detail of DETAIL) {
    const structured = summarize(build, evidence, detail, mask);
    fitted = { text: renderSummary(structured, detail), structured };
    if (fitted.text.length <= SUMMARY_CHARS) break;
  }
  return fitted as { text: string; structured: Summary };
}

function summarize(
  build: BuildFacts,
  evidence: Evidence | undefined,
  detail: Detail,
  mask: (text: string) => string,
): Summary {
  const failedStage = evidence?.stages?.stages.find((stage) =>
    ["FAILED", "UNSTABLE", "ABORTED"].includes(stage.status),
  );
  const failing = evidence?.report?.cases.filter((test) => isFailing(test.status)) ?? [];
  // Masked whole, then cut: a credential cut first may no longer look like one, and show in part.
  const shown = (text: string) => cut(mask(text), detail.width);
  return {
    jobFullName: build.jobFullName,
    buildNumber: build.number,
    result: build.result,
    startedAt: build.startedAt,
    durationMs: build.durationMs,
    causes: build.causes.map((cause) => cut(cause, detail.width)),
    failedStage: failedStage
      ? {
          name: cut(failedStage.name, detail.width),
          status: failedStage.status,
          error: failedStage.error === null ? null : shown(failedStage.error),
        }
      : null,
    tests:
      evidence && build.tests
        ? {
            ...build.tests,
            failing: failing.slice(0, detail.tests).map((test) => {
              const error = testError(test);
              return {
                name: cut(simpleName(test), detail.width),
                error: error === null ? null : shown(error),
              };
            }),
          }
        : null,
    errors: errorBlocks(evidence?.tail ?? [], detail).map((block) => ({
      linesFromEnd: block.linesFromEnd,
      lines: block.lines.map(shown),
    })),
  };
}

/**
 * The first error lines of the tail with a little context: overlapping blocks are merged, up to
 * `detail.lines` lines each, so that a run of error lines still leaves room for later ones.
 */
function errorBlocks(tail: string[], detail: Detail): Array<{ linesFromEnd: number; lines: string[] }> {
  const blocks: Array<{ start: number; end: number }> = [];
  for (const [index, line] of tail.entries()) {
    if (!isErrorLine(line)) continue;
    const last = blocks.at(-1);
    const end = Math.min(tail.length, index + detail.after + 1);
    if (last && index < last.start + detail.lines) {
      last.end = Math.min(Math.max(last.end, end), last.start + detail.lines);
      continue;
    }
    if (blocks.length >= detail.blocks) break;
    const start = Math.max(0, index - detail.before, last?.end ?? 0);
    blocks.push({ start, end: Math.min(end, start + detail.lines) });
  }
  return blocks.map(({ start, end }) => ({
    linesFromEnd: tail.length - start,
    lines: tail.slice(start, end),
  }));
}

function renderSummary(summary: Summary, detail: Detail): string {
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
  const stage = summary.failedStage;
  if (stage) lines.push(`Stage "${stage.name}" ${stage.status}${stage.error ? `: ${stage.error}` : ""}`);
  const tests = summary.tests;
  if (tests) {
    lines.push(`Tests: ${tests.failed} of ${tests.total} failed, ${tests.skipped} skipped`);
    for (const test of tests.failing) lines.push(`- ${test.name}${test.error ? `: ${test.error}` : ""}`);
    if (tests.failed > tests.failing.length) lines.push(`  (getTestResults lists all ${tests.failed})`);
  }
  if (summary.errors.length > 0) {
    lines.push(
      `First errors in the last ${TAIL_LINES} log lines (-N: line N from the end, getBuildLog limit -N):`,
    );
    summary.errors.forEach((block, index) => {
      const previous = summary.errors[index - 1];
      if (previous && previous.linesFromEnd - previous.lines.length > block.linesFromEnd) lines.push("…");
      lines.push(...block.lines.map((line, offset) => `-${block.linesFromEnd - offset} ${line}`));
    });
  } else {
    lines.push(`No error lines in the last ${TAIL_LINES} log lines: searchBuildLog finds them anywhere.`);
  }
  if (detail.blocks > 1) lines.push(`Whole log: ${logUri(summary.jobFullName, summary.buildNumber)}`);
  return lines.join("\n");
}

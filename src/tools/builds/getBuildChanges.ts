import { z } from "zod";
import type { BuildChanges, ChangeHistory } from "../../jenkins/changes.js";
import { describeBuild, formatJobPath, type JobPath } from "../../jenkins/paths.js";
import { defineTool, type ToolContext, ToolError } from "../registry.js";
import { buildNumber, buildRef, jobFullName, wholeNumber } from "../schemas.js";

/** Builds listed at most, newest first; the answer names the numbers left out. */
const MAX_BUILDS = 20;
/** Commits listed at most over all builds, newest builds first; the answer counts the rest. */
const MAX_COMMITS = 50;

const commitSchema = z.object({
  id: z.string(),
  commitId: z.string(),
  author: z.string(),
  authorEmail: z.string().nullable(),
  time: z.string().nullable(),
  message: z.string(),
  files: z.number(),
});

const buildSchema = z.object({
  number: z.number(),
  result: z.string().nullable(),
  commits: z.array(commitSchema),
});

type BuildEntry = z.input<typeof buildSchema>;

/**
 * Where the changes start (exclusive): the given build, the last success, or, with no success
 * found, the build before the oldest one read.
 */
interface Since {
  build: number;
  why: "given" | "lastSuccess" | "noSuccess";
}

export const getBuildChanges = defineTool({
  name: "getBuildChanges",
  toolset: "builds",
  core: false,
  title: "Get the changes behind a build",
  description:
    'What changed up to a build: the commits of each build since the last successful one (or sinceBuild), newest first, and the culprits Jenkins names. Answers "what broke it?". E.g. {"jobFullName": "team/api", "buildNumber": 42}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    sinceBuild: wholeNumber(
      "Start after this build (exclusive), lower than buildNumber; default the last successful build before it. E.g. 40",
      { min: 0, max: Number.MAX_SAFE_INTEGER },
    ).optional(),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    sinceBuild: z.number().nullable(),
    builds: z.array(buildSchema),
    culprits: z.array(z.string()),
    omittedBuilds: z.object({ from: z.number(), to: z.number() }).nullable(),
    omittedCommits: z.number(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const { sinceBuild } = input;
    if (typeof input.buildNumber === "number") checkOrder(sinceBuild, input.buildNumber);
    const path = await context.job("read", input.jobFullName);
    const until = await context.jenkins.buildNumber(path, buildRef(input.buildNumber), context.signal);
    checkOrder(sinceBuild, until);
    const since = await startOf(context, path, until, sinceBuild);
    const history = await context.jenkins.buildChanges(
      path,
      { since: since.build, until, limit: MAX_BUILDS },
      context.signal,
    );
    const { builds, omittedCommits } = fitCommits(history.builds, context.mask);
    const structured = {
      jobFullName: formatJobPath(path),
      buildNumber: until,
      sinceBuild: since.why === "noSuccess" ? null : since.build,
      builds,
      culprits: history.builds[0]?.culprits ?? [],
      omittedBuilds: history.leftOut,
      omittedCommits,
    };
    context.audit.done = `read the changes of ${describeBuild(path, until)} since #${since.build}`;
    return { text: renderChanges(structured, since, history), structured };
  },
});

function checkOrder(sinceBuild: number | undefined, until: number): void {
  if (sinceBuild !== undefined && sinceBuild >= until) {
    throw new ToolError(
      `sinceBuild (${sinceBuild}) must be lower than buildNumber (${until}): the changes are read from the build after sinceBuild up to buildNumber.`,
    );
  }
}

/** The given sinceBuild, else the last success before `until`, else the oldest build read. */
async function startOf(
  context: ToolContext,
  path: JobPath,
  until: number,
  sinceBuild: number | undefined,
): Promise<Since> {
  if (sinceBuild !== undefined) return { build: sinceBuild, why: "given" };
  const streak = await context.jenkins.buildStreak(path, until, context.signal);
  if (streak.lastSuccess !== null) return { build: streak.lastSuccess, why: "lastSuccess" };
  return { build: Math.min(streak.oldestRead, until) - 1, why: "noSuccess" };
}

/** The commits of the newest builds first, up to MAX_COMMITS in all; messages masked. */
function fitCommits(
  builds: readonly BuildChanges[],
  mask: (text: string) => string,
): { builds: BuildEntry[]; omittedCommits: number } {
  let room = MAX_COMMITS;
  let omittedCommits = 0;
  const entries = builds.map((build): BuildEntry => {
    const shown = build.commits.slice(0, room);
    room -= shown.length;
    omittedCommits += build.commits.length - shown.length;
    return {
      number: build.number,
      result: build.result,
      commits: shown.map((commit) => ({
        id: commit.shortId,
        commitId: commit.id,
        author: commit.author,
        authorEmail: commit.authorEmail,
        time: commit.time,
        message: mask(commit.message),
        files: commit.files,
      })),
    };
  });
  return { builds: entries, omittedCommits };
}

interface Answer {
  jobFullName: string;
  buildNumber: number;
  builds: BuildEntry[];
  culprits: string[];
  omittedBuilds: { from: number; to: number } | null;
  omittedCommits: number;
}

function renderChanges(answer: Answer, since: Since, history: ChangeHistory): string {
  const name = describeBuild([answer.jobFullName], answer.buildNumber);
  const commits = answer.builds.reduce((sum, build) => sum + build.commits.length, 0);
  const lines = [
    `${name}: ${sinceText(since)}; ${plural(answer.builds.length, "build")}, ${plural(commits, "commit")} listed.`,
  ];
  for (const build of answer.builds) lines.push(...renderBuild(build, history));
  if (answer.omittedCommits > 0) lines.push(`…and ${answer.omittedCommits} more commits not shown.`);
  if (answer.omittedBuilds) {
    const { from, to } = answer.omittedBuilds;
    lines.push(`Builds #${from} to #${to} are left out: ask again with sinceBuild ${to} for them.`);
  }
  lines.push(
    answer.culprits.length > 0
      ? `Culprits (Jenkins): ${answer.culprits.join(", ")}.`
      : "Jenkins names no culprits.",
  );
  return lines.join("\n");
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function sinceText(since: Since): string {
  if (since.why === "given") return since.build === 0 ? "changes from #1" : `changes since #${since.build}`;
  if (since.why === "lastSuccess") return `changes since #${since.build}, the last success`;
  return `no earlier success found, changes from #${since.build + 1}`;
}

function renderBuild(build: BuildEntry, history: ChangeHistory): string[] {
  const state = build.result ?? "running";
  const read = history.builds.find((candidate) => candidate.number === build.number);
  if (!read || read.commits.length === 0) return [`#${build.number} ${state}: no commits`];
  const hidden = read.commits.length - build.commits.length;
  const more = read.moreCommits
    ? "more than 50 commits"
    : hidden > 0
      ? `${plural(hidden, "commit")} not shown`
      : "";
  if (build.commits.length === 0) return [`#${build.number} ${state}: ${more}`];
  const lines = [`#${build.number} ${state}${more ? ` (${more})` : ""}:`];
  for (const commit of build.commits) {
    const time = commit.time ? ` ${commit.time.slice(0, 16)}Z` : "";
    const manyFiles = read.commits.find((candidate) => candidate.id === commit.commitId)?.moreFiles;
    const files = manyFiles ? "100+ files" : plural(commit.files, "file");
    lines.push(`- ${commit.id} ${commit.author}${time} ${commit.message} (${files})`);
  }
  return lines;
}

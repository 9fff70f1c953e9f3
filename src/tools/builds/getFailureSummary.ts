import { z } from "zod";
import { locateErrors } from "../../diagnosis/locate.js";
import type { JenkinsClient } from "../../jenkins/client.js";
import { unlessNotFound } from "../../jenkins/errors.js";
import { type JobPath, parseJobPath } from "../../jenkins/paths.js";
import { defineTool, type ToolContext } from "../registry.js";
import { logResourceLink } from "../resource-uris.js";
import { buildNumber, jobFullName } from "../schemas.js";
import { type Evidence, fitSummary, summarySchema } from "./failure-summary.js";

export const getFailureSummary = defineTool({
  name: "getFailureSummary",
  toolset: "builds",
  core: true,
  guide: "says why a build failed",
  title: "Why did it fail",
  description:
    'Why a build failed, in one small answer: failed stage, branch and step, its error lines (found anywhere in the log), failing tests and since when, commits since the last success, and where to look next. E.g. {"jobFullName": "team/api"} (last build).',
  inputSchema: z.object({ jobFullName, buildNumber: buildNumber.optional() }),
  outputSchema: summarySchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const build = await context.readBuild(input.jobFullName, input.buildNumber);
    const evidence = build.building || build.result === "SUCCESS" ? undefined : await gather(build, context);
    const summary = fitSummary(build, evidence, context);
    context.audit.done = `summarized ${build.jobFullName} #${build.number} (${build.result ?? "running"})`;
    return {
      text: summary.text,
      structured: summary.structured,
      links: [logResourceLink(build.jobFullName, build.number)],
    };
  },
});

type BuildFacts = Awaited<ReturnType<ToolContext["readBuild"]>>;

/** The stages and logs, the tests and the history are read at the same time. */
async function gather(build: BuildFacts, context: ToolContext): Promise<Evidence> {
  const { jenkins, signal } = context;
  const path = parseJobPath(build.jobFullName);
  // The name was resolved (and remembered) by readBuild: this costs no request.
  const { type } = await jenkins.resolveJob(path, signal);
  const request = { path, build: build.number, building: false, pipeline: type === "pipeline", signal };
  const [located, report, history] = await Promise.all([
    locateErrors(jenkins, request),
    build.tests && build.tests.failed > 0
      ? unlessNotFound(jenkins.testReport(path, build.number, signal))
      : Promise.resolve(null),
    readHistory(jenkins, path, build.number, signal),
  ]);
  return { located, report, ...history };
}

/** Builds of changes read for a summary: enough for any usual streak; getBuildChanges reads more. */
const CHANGE_BUILDS = 20;

/** Since when it fails, and the commits since the last success, newest first. */
async function readHistory(
  jenkins: JenkinsClient,
  path: JobPath,
  number: number,
  signal: AbortSignal,
): Promise<Pick<Evidence, "streak" | "changes">> {
  const streak = await jenkins.buildStreak(path, number, signal);
  if (streak.failingSince === null) return { streak: null, changes: null };
  const since = streak.lastSuccess ?? streak.oldestRead - 1;
  const history = await jenkins.buildChanges(path, { since, until: number, limit: CHANGE_BUILDS }, signal);
  const commits = history.builds.flatMap((built) => [...built.commits].reverse());
  return {
    streak: { failingSince: streak.failingSince, lastSuccess: streak.lastSuccess },
    changes: {
      commits: commits.map((commit) => ({
        id: commit.shortId,
        author: commit.author,
        message: commit.message,
      })),
      complete: history.leftOut === null && !history.builds.some((built) => built.moreCommits),
    },
  };
}

import { z } from "zod";
import { formatJobPath } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";

/** The longest running ones are the likeliest to matter (stuck, or holding an agent). */
const MAX_BUILDS = 100;

const runningBuildSchema = z.object({
  jobFullName: z.string(),
  buildNumber: z.number(),
  nodes: z.array(z.string()),
  startedAt: z.string(),
  elapsedMs: z.number(),
  estimatedDurationMs: z.number().nullable(),
  estimatedRemainingMs: z.number().nullable(),
});

type RunningBuildOutput = z.infer<typeof runningBuildSchema>;

export const getRunningBuilds = defineTool({
  name: "getRunningBuilds",
  toolset: "system",
  core: false,
  title: "List running builds",
  description:
    'Every build running now across Jenkins, longest running first: job, build number, node, time running and estimated time left (null once past Jenkins\' estimate). Answers "what is running right now?"; getBuildLog shows what one is doing.',
  inputSchema: z.object({}),
  outputSchema: z.object({ builds: z.array(runningBuildSchema), hasMore: z.boolean() }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, mayRead, audit }) {
    // The job's name as Jenkins gives it (in the build's URL); jobs the client may not read are left out.
    const visible = (await jenkins.listRunningBuilds(signal)).flatMap(({ url, number, ...timing }) => {
      const path = jenkins.jobPathFromUrl(url);
      const jobFullName = path ? formatJobPath(path) : null;
      return jobFullName !== null && mayRead(jobFullName)
        ? [{ jobFullName, buildNumber: number, ...timing }]
        : [];
    });
    const builds = visible.slice(0, MAX_BUILDS);
    const hasMore = visible.length > builds.length;
    audit.done = `listed ${builds.length} running builds`;
    return { text: renderBuilds(builds, hasMore), structured: { builds, hasMore } };
  },
});

function renderBuilds(builds: RunningBuildOutput[], hasMore: boolean): string {
  if (builds.length === 0) return "No build is running.";
  const lines = [
    `Running now (${builds.length}), longest first:`,
    ...builds.map((build) => `- ${describeBuild(build)}`),
  ];
  if (hasMore) lines.push(`More are running than the ${MAX_BUILDS} listed.`);
  return lines.join("\n");
}

function describeBuild(build: RunningBuildOutput): string {
  const left =
    build.estimatedRemainingMs !== null
      ? `about ${span(build.estimatedRemainingMs)} left`
      : build.estimatedDurationMs !== null
        ? `past its estimate of ${span(build.estimatedDurationMs)}`
        : "no estimate";
  return `${build.jobFullName} #${build.buildNumber} on ${build.nodes.join(", ")}: running ${span(build.elapsedMs)}, ${left}`;
}

/** A duration as a person says it: "45 s", "12 min", "3 h 5 min". */
function span(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

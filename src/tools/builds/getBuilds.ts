import { z } from "zod";
import type { BuildHistory } from "../../jenkins/builds.js";
import { defineTool } from "../registry.js";
import { jobFullName, wholeNumber } from "../schemas.js";

export const getBuilds = defineTool({
  name: "getBuilds",
  toolset: "builds",
  core: false,
  title: "List builds",
  description:
    'The most recent builds of a job, newest first: number, result (null while running), start, duration and cause. E.g. {"jobFullName": "team/api", "limit": 10} answers "what broke since yesterday".',
  inputSchema: z.object({
    jobFullName,
    limit: wholeNumber("Builds (default 20, at most 100)", { min: 1, max: 100 }).default(20),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    builds: z.array(
      z.object({
        number: z.number(),
        result: z.string().nullable(),
        building: z.boolean(),
        startedAt: z.string(),
        durationMs: z.number(),
        causes: z.array(z.string()),
      }),
    ),
    hasMore: z.boolean(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ jobFullName, limit }, { jenkins, signal, job, audit }) {
    const history = await jenkins.listBuilds(await job("read", jobFullName), limit, signal);
    audit.done = `listed ${history.builds.length} builds of ${history.jobFullName}`;
    const structured = {
      jobFullName: history.jobFullName,
      builds: history.builds.map(({ url: _, ...build }) => build),
      hasMore: history.hasMore,
    };
    return { text: renderHistory(history), structured };
  },
});

function renderHistory(history: BuildHistory): string {
  if (history.builds.length === 0) return `${history.jobFullName} has no builds yet.`;
  const lines = [`Builds of ${history.jobFullName}, newest first:`];
  for (const build of history.builds) {
    const state = build.building ? "running" : (build.result ?? "unknown");
    const took = build.building ? "" : `, ${Math.round(build.durationMs / 1000)} s`;
    const cause = build.causes.length ? ` (${build.causes.join("; ")})` : "";
    lines.push(`#${build.number} ${state}, started ${build.startedAt}${took}${cause}`);
  }
  if (history.hasMore) lines.push("Older builds exist: getBuild reads any of them by number.");
  return lines.join("\n");
}

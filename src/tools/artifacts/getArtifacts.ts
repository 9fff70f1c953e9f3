import { z } from "zod";
import type { ArtifactList } from "../../jenkins/artifacts.js";
import { describeBuild, formatJobPath } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";
import { buildNumber, buildRef, jobFullName } from "../schemas.js";

/** Artifacts listed at most; one request reads them, and the answer says when there are more. */
const MAX_ARTIFACTS = 100;

export const getArtifacts = defineTool({
  name: "getArtifacts",
  toolset: "artifacts",
  core: false,
  title: "List build artifacts",
  description:
    'The files a build archived: relativePath (for readArtifact) and fileName; Jenkins does not tell their sizes. E.g. {"jobFullName": "team/api", "buildNumber": 42}',
  inputSchema: z.object({ jobFullName, buildNumber: buildNumber.optional() }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    url: z.string(),
    artifacts: z.array(z.object({ relativePath: z.string(), fileName: z.string() })),
    hasMore: z.boolean(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, job, audit }) {
    const path = await job("read", input.jobFullName);
    const list = await jenkins.listArtifacts(path, buildRef(input.buildNumber), MAX_ARTIFACTS, signal);
    const jobName = formatJobPath(path);
    audit.done = `listed ${list.artifacts.length} artifacts of ${describeBuild(path, list.number)}`;
    return {
      text: renderArtifacts(jobName, list),
      structured: {
        jobFullName: jobName,
        buildNumber: list.number,
        url: list.url,
        artifacts: list.artifacts,
        hasMore: list.hasMore,
      },
    };
  },
});

function renderArtifacts(jobName: string, list: ArtifactList): string {
  const name = describeBuild([jobName], list.number);
  if (list.artifacts.length === 0) return `${name} archived no artifacts.`;
  const lines = [
    `Artifacts of ${name} (${list.artifacts.length}${list.hasMore ? ", the first ones" : ""}):`,
    ...list.artifacts.map((artifact) => `- ${artifact.relativePath}`),
  ];
  if (list.hasMore) lines.push(`More artifacts exist than the ${MAX_ARTIFACTS} listed.`);
  lines.push("readArtifact reads a text artifact by its relativePath.");
  return lines.join("\n");
}

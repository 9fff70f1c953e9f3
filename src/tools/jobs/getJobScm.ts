import { z } from "zod";
import type { JobScm } from "../../jenkins/scm.js";
import { defineTool } from "../registry.js";
import { jobFullName } from "../schemas.js";
import { jobTypeSchema } from "./entries.js";

export const getJobScm = defineTool({
  name: "getJobScm",
  toolset: "jobs",
  core: false,
  title: "Repositories a job builds",
  description:
    'The git repositories and branches a job builds (a freestyle job\'s SCM, a pipeline\'s Jenkinsfile repository, a multibranch project\'s source), and what its last build checked out. E.g. {"jobFullName": "team/api"}',
  inputSchema: z.object({ jobFullName }),
  outputSchema: z.object({
    jobFullName: z.string(),
    type: jobTypeSchema,
    repositories: z.array(
      z.object({ url: z.string(), branches: z.array(z.string()), scriptPath: z.string().nullable() }),
    ),
    lastBuildRemotes: z.array(z.string()).nullable(),
    note: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, job, audit }) {
    const path = await job("read", input.jobFullName);
    const scm = await jenkins.jobScm(path, signal);
    audit.done = `read the repositories of ${scm.fullName}`;
    return {
      text: renderScm(scm),
      structured: {
        jobFullName: scm.fullName,
        type: scm.type,
        repositories: scm.repositories,
        lastBuildRemotes: scm.lastBuildRemotes,
        note: scm.note,
      },
    };
  },
});

function renderScm(scm: JobScm): string {
  const lines = scm.repositories.map((repository) => {
    const branches = repository.branches.length ? ` (branches ${repository.branches.join(", ")})` : "";
    const script = repository.scriptPath ? `, pipeline script ${repository.scriptPath}` : "";
    return `- ${repository.url}${branches}${script}`;
  });
  const heading =
    lines.length > 0
      ? `${scm.fullName} (${scm.type}) builds:`
      : `${scm.fullName} (${scm.type}) names no git repository in its configuration${scm.note ? `: ${scm.note}` : ""}.`;
  const notes: string[] = [];
  if (lines.length > 0 && scm.note) notes.push(`Note: ${scm.note}.`);
  if (scm.lastBuildRemotes?.length)
    notes.push(`Its last build checked out: ${scm.lastBuildRemotes.join(", ")}.`);
  return [heading, ...lines, ...notes].join("\n");
}

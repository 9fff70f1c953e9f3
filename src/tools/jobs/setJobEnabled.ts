import { z } from "zod";
import type { JenkinsClient } from "../../jenkins/client.js";
import { JenkinsError } from "../../jenkins/errors.js";
import { isContainer } from "../../jenkins/items.js";
import { formatJobPath, type JobPath } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { jobFullName } from "../schemas.js";

export const setJobEnabled = defineTool({
  name: "setJobEnabled",
  toolset: "jobs",
  core: false,
  title: "Enable or disable a job",
  description:
    'Enable or disable a job (policy action "configure"); a disabled job is not built, by triggers or by hand. Nothing is sent when it already is as asked. E.g. {"jobFullName": "team/api", "enabled": false}',
  inputSchema: z.object({
    jobFullName,
    enabled: z.boolean().describe("true enables, false disables"),
  }),
  outputSchema: z.object({ jobFullName: z.string(), enabled: z.boolean(), changed: z.boolean() }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
  writes: "configure",
  async handler(input, { jenkins, signal, job: permitted, authorize, audit }) {
    const path = await permitted("configure", input.jobFullName);
    const job = await jenkins.getJob(path, signal);
    if (isContainer(job.type)) {
      throw new ToolError(
        `${job.fullName} is a ${job.type === "folder" ? "folder" : "multibranch project"}, not a job: enable or disable the jobs inside it.`,
      );
    }
    const word = input.enabled ? "enabled" : "disabled";
    if ((job.status !== "disabled") === input.enabled) {
      audit.done = `found ${job.fullName} already ${word}`;
      const structured = { jobFullName: job.fullName, enabled: input.enabled, changed: false };
      return { text: `${job.fullName} is already ${word}; nothing was sent.`, structured };
    }
    await authorize("configure", job.fullName, `${input.enabled ? "enable" : "disable"} ${job.fullName}`);
    await jenkins
      .setJobEnabled(path, input.enabled, signal)
      .catch((error: unknown) => explainBranchRefusal(jenkins, path, error, signal));
    audit.done = `${word} ${job.fullName}`;
    const structured = { jobFullName: job.fullName, enabled: input.enabled, changed: true };
    return { text: `${job.fullName} is now ${word}.`, structured };
  },
});

/**
 * Jenkins refuses to enable or disable a multibranch project's branch job whoever asks (403, as for
 * a missing permission): the branch source decides. Said so when the job's folder is multibranch.
 */
async function explainBranchRefusal(
  jenkins: JenkinsClient,
  path: JobPath,
  error: unknown,
  signal: AbortSignal,
): Promise<never> {
  if (error instanceof JenkinsError && error.kind === "forbidden" && path.length > 1) {
    const parent = await jenkins.resolveJob(path.slice(0, -1), signal).catch(() => undefined);
    if (parent?.type === "multibranch") {
      throw new ToolError(
        `${formatJobPath(path)} is a branch job of the multibranch project ${formatJobPath(parent.path)}: Jenkins lets no one enable or disable it; its branch source decides which branches build.`,
      );
    }
  }
  throw error;
}

import { z } from "zod";
import type { RecordedParameter } from "../../jenkins/builds.js";
import type { Job } from "../../jenkins/jobs.js";
import { describeBuild } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { jobFullName, requiredBuildNumber } from "../schemas.js";
import { parametersInput, renderTrigger, startBuild, triggerOutput, waitInput } from "./trigger.js";

export const rebuild = defineTool({
  name: "rebuild",
  toolset: "builds",
  core: false,
  title: "Rebuild",
  description:
    'Run a build again with the parameters it ran with, overridden where given; the same checks, policy and confirmation as triggerBuild. Jenkins never gives password parameters back: give them. E.g. {"jobFullName": "team/api", "buildNumber": 41, "parameters": {"DEPLOY": false}}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: requiredBuildNumber,
    parameters: parametersInput.describe(
      'Values to change, e.g. {"BRANCH": "hotfix"}; the rest are the build\'s',
    ),
    ...waitInput,
  }),
  outputSchema: triggerOutput.extend({
    rebuildOf: z.number(),
    /** Parameters of the old build that the job no longer defines, so were not sent. */
    dropped: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: "trigger",
  async handler(input, context) {
    const jobPath = await context.job("trigger", input.jobFullName);
    const job = await context.jenkins.getJob(jobPath, context.signal);
    // The old values are read data: the client must be allowed to read the job too.
    context.check("read", job.fullName);
    const old = await context.jenkins.buildParameters(jobPath, input.buildNumber, context.signal);
    const { parameters, dropped } = rerunParameters(job, old.number, old.parameters, input.parameters ?? {});
    const result = await startBuild(
      {
        jobPath,
        job,
        parameters,
        waitFor: input.waitFor,
        timeoutSeconds: input.timeoutSeconds,
        rebuildOf: old.number,
      },
      context,
    );
    const note = dropped.length ? ` Not sent, as the job no longer defines them: ${dropped.join(", ")}.` : "";
    return {
      text: `Rebuild of ${describeBuild(jobPath, old.number)}: ${renderTrigger(result)}${note}`,
      structured: { ...result, rebuildOf: old.number, dropped },
    };
  },
});

/**
 * The old build's values the job still defines, with the given ones over them. A password the old
 * build had must be given again: Jenkins never exports its value, and sending nothing would run the
 * build with the default instead.
 */
function rerunParameters(
  job: Job,
  number: number,
  recorded: readonly RecordedParameter[],
  given: Record<string, string | number | boolean>,
): { parameters: Record<string, string | number | boolean>; dropped: string[] } {
  const defined = new Set(job.parameters.map((definition) => definition.name));
  const parameters: Record<string, string | number | boolean> = {};
  const missing: string[] = [];
  const dropped: string[] = [];
  for (const { name, value, password } of recorded) {
    if (!defined.has(name)) dropped.push(name);
    else if (value !== null) parameters[name] = value;
    else if (!(name in given)) missing.push(password ? `${name} (a password)` : name);
  }
  if (missing.length > 0) {
    throw new ToolError(
      `${describeBuild([job.fullName], number)} ran with ${missing.join(", ")}, whose value Jenkins does not give back; ask the person for it and pass it in parameters. Nothing was triggered.`,
    );
  }
  return { parameters: { ...parameters, ...given }, dropped };
}

import { z } from "zod";
import { defineTool } from "../registry.js";
import { jobFullName } from "../schemas.js";
import { parametersInput, renderTrigger, startBuild, triggerOutput, waitInput } from "./trigger.js";

export const triggerBuild = defineTool({
  name: "triggerBuild",
  toolset: "builds",
  core: true,
  title: "Trigger build",
  description:
    "Trigger a build once, parameters checked against the job's (getJob). Answers the queue item (for cancelQueueItem); waitFor started/finished waits for the number/result; timedOut: still waiting or running.",
  inputSchema: z.object({
    jobFullName,
    parameters: parametersInput.describe(
      'e.g. {"BRANCH": "main", "DEPLOY": true}; missing ones take defaults',
    ),
    ...waitInput,
  }),
  outputSchema: triggerOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: "trigger",
  async handler(input, context) {
    const jobPath = await context.job("trigger", input.jobFullName);
    const job = await context.jenkins.getJob(jobPath, context.signal);
    const result = await startBuild(
      {
        jobPath,
        job,
        parameters: input.parameters ?? {},
        waitFor: input.waitFor,
        timeoutSeconds: input.timeoutSeconds,
      },
      context,
    );
    return { text: renderTrigger(result), structured: result };
  },
});

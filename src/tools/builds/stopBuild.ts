import { z } from "zod";
import { describeBuild } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";
import { buildRef, jobFullName, requiredBuildNumber, wholeNumber } from "../schemas.js";
import { Backoff, waitForResult } from "../wait.js";

const STOP_SIGNALS = ["stop", "term", "kill"] as const;

const stopOutput = z.object({
  jobFullName: z.string(),
  buildNumber: z.number(),
  stopped: z.boolean(),
  building: z.boolean(),
  result: z.string().nullable(),
  sent: z.array(z.enum(STOP_SIGNALS)),
});

type StopOutput = z.input<typeof stopOutput>;

export const stopBuild = defineTool({
  name: "stopBuild",
  toolset: "builds",
  core: false,
  title: "Stop build",
  description:
    'Abort a running build (policy action "cancel") and report its final result. A pipeline that ignores the stop is forced with escalate: true (/term, then /kill). E.g. {"jobFullName": "team/api", "buildNumber": 42}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: requiredBuildNumber,
    escalate: z.boolean().default(false).describe("If /stop does not end it, send /term, then /kill"),
    waitSeconds: wholeNumber("How long each signal gets to work (default 10)", { min: 1, max: 60 }).default(
      10,
    ),
  }),
  outputSchema: stopOutput,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  writes: "cancel",
  async handler(input, { jenkins, signal, progress, job: permitted, authorize, audit }) {
    const jobPath = await permitted("cancel", input.jobFullName);
    const build = await jenkins.getBuild(jobPath, buildRef(input.buildNumber), signal);
    const name = describeBuild([build.jobFullName], build.number);
    const result: StopOutput = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      stopped: false,
      building: build.building,
      result: build.result,
      sent: [],
    };
    if (!build.building) {
      audit.done = `found ${name} already finished (${build.result})`;
      return {
        text: `${name} is not running (it finished ${build.result}); nothing was sent.`,
        structured: result,
      };
    }
    await authorize("cancel", build.jobFullName, `stop ${name}`);
    for (const how of input.escalate ? STOP_SIGNALS : STOP_SIGNALS.slice(0, 1)) {
      await jenkins.stopBuild(jobPath, build.number, how, signal);
      result.sent.push(how);
      const backoff = new Backoff(input.waitSeconds * 1000, 250, signal);
      const finished = await waitForResult(jenkins, jobPath, build.number, backoff, signal, progress);
      if (finished) {
        Object.assign(result, { stopped: true, building: false, result: finished.result });
        break;
      }
    }
    audit.done = result.stopped
      ? `stopped ${name} (${result.result})`
      : `sent ${result.sent.map((how) => `/${how}`).join(", ")} to ${name}, still running`;
    return { text: renderStop(result, input.waitSeconds), structured: result };
  },
});

function renderStop(result: StopOutput, waitSeconds: number): string {
  const name = describeBuild([result.jobFullName], result.buildNumber);
  const sent = result.sent.map((how) => `/${how}`).join(", then ");
  if (result.stopped) return `Stopped ${name}: ${result.result} (sent ${sent}).`;
  if (result.sent.length < STOP_SIGNALS.length) {
    return `Sent ${sent} to ${name}, but it is still running after ${waitSeconds} s; to force it, call stopBuild again with escalate: true (/term, then /kill).`;
  }
  return `Sent ${sent} to ${name}, and it is still running; check it in Jenkins.`;
}

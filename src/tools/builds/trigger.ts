import { z } from "zod";
import type { JenkinsClient } from "../../jenkins/client.js";
import type { Job } from "../../jenkins/jobs.js";
import { describeBuild, formatJobPath, type JobPath } from "../../jenkins/paths.js";
import type { QueueItem } from "../../jenkins/queue.js";
import { checkParameters, describeParameters, maskedParameters } from "../parameters.js";
import { readQueueItem } from "../queue/items.js";
import { type ToolContext, ToolError } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { Backoff, waitForResult } from "../wait.js";

/**
 * Starting a build, shared by triggerBuild and rebuild: the same checks, policy action (`trigger`),
 * confirmation and rate cap, the same POST and the same wait.
 */

const WAIT_STATES = ["queued", "started", "finished"] as const;
/** Within the HTTP transport's default request timeout (MCP_REQUEST_TIMEOUT_MS, 10 minutes). */
const MAX_TIMEOUT_SECONDS = 600;

export const parametersInput = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .optional();

export const waitInput = {
  waitFor: z.enum(WAIT_STATES).default("queued").describe("queued answers at once"),
  timeoutSeconds: wholeNumber("Wait limit (default 50)", { min: 1, max: MAX_TIMEOUT_SECONDS }).default(50),
};

export const triggerOutput = z.object({
  jobFullName: z.string(),
  queueItemId: z.number(),
  queueUrl: z.string(),
  state: z.enum(["queued", "started", "finished", "cancelled", "timedOut"]),
  buildNumber: z.number().optional(),
  buildUrl: z.string().optional(),
  result: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.string()),
});

export type TriggerOutput = z.input<typeof triggerOutput>;

interface TriggerRequest {
  jobPath: JobPath;
  job: Job;
  parameters: Record<string, string | number | boolean>;
  waitFor: (typeof WAIT_STATES)[number];
  timeoutSeconds: number;
  /** The build this one runs again (rebuild), for the confirmation question and the audit line. */
  rebuildOf?: number;
}

/** Checks, authorizes (action `trigger`), POSTs once and waits as asked. */
export async function startBuild(request: TriggerRequest, context: ToolContext): Promise<TriggerOutput> {
  const { jenkins, signal, progress, authorize, audit } = context;
  const { job, jobPath } = request;
  checkBuildable(job);
  const parameters = checkParameters(job, request.parameters);
  const shown = maskedParameters(job.parameters, parameters);
  audit.parameters = shown;
  const withParameters = describeParameters(shown);
  const what =
    request.rebuildOf === undefined
      ? job.fullName
      : `a rebuild of ${describeBuild(jobPath, request.rebuildOf)}`;
  await authorize(
    "trigger",
    job.fullName,
    `${request.rebuildOf === undefined ? "trigger" : "run"} ${what}${withParameters}`,
  );
  const sent = job.parameters.length > 0 ? parameters : undefined;
  const trigger = await jenkins.triggerBuild(jobPath, sent, signal);
  audit.done = `queued ${what} as queue item ${trigger.queueItemId}${withParameters}`;
  const result: TriggerOutput = {
    jobFullName: formatJobPath(jobPath),
    queueItemId: trigger.queueItemId,
    queueUrl: trigger.queueUrl,
    state: "queued",
    parameters: shown,
  };
  if (request.waitFor !== "queued") {
    await waitForBuild(
      jenkins,
      jobPath,
      result,
      request.waitFor,
      request.timeoutSeconds * 1000,
      signal,
      progress,
    );
  }
  if (result.buildNumber !== undefined) {
    const again = request.rebuildOf === undefined ? "" : ` again as #${result.buildNumber}`;
    audit.done =
      request.rebuildOf === undefined
        ? `triggered ${job.fullName} #${result.buildNumber}${withParameters}${result.result ? ` (${result.result})` : ""}`
        : `ran ${describeBuild(jobPath, request.rebuildOf)}${again}${withParameters}${result.result ? ` (${result.result})` : ""}`;
  }
  return result;
}

function checkBuildable(job: Job): void {
  if (job.type === "folder" || job.type === "multibranch") {
    throw new ToolError(
      `${job.fullName} is a ${job.type === "folder" ? "folder" : "multibranch project"}, not a job: trigger one of the jobs inside it (list them with getJobs).`,
    );
  }
  if (!job.buildable) {
    throw new ToolError(
      `${job.fullName} is disabled, so Jenkins will not build it; a Jenkins user must enable it first.`,
    );
  }
}

async function waitForBuild(
  jenkins: JenkinsClient,
  jobPath: JobPath,
  result: TriggerOutput,
  waitFor: "started" | "finished",
  timeoutMs: number,
  signal: AbortSignal,
  progress: (message: string) => Promise<void>,
): Promise<void> {
  const backoff = new Backoff(timeoutMs, 250, signal);
  let item: QueueItem;
  for (;;) {
    item = await readQueueItem(jenkins, result.queueItemId, signal, QUEUED_ITEM_GONE);
    if (item.state !== "queued") break;
    await progress(`Waiting in the queue${item.why ? `: ${item.why}` : ""}`);
    if (!(await backoff.pause())) {
      result.state = "timedOut";
      return;
    }
  }
  if (item.state === "cancelled" || !item.build) {
    result.state = "cancelled";
    return;
  }
  result.state = "started";
  result.buildNumber = item.build.number;
  result.buildUrl = item.build.url;
  if (waitFor === "started") return;
  backoff.restart(500);
  const build = await waitForResult(jenkins, jobPath, item.build.number, backoff, signal, progress);
  if (build) {
    result.state = "finished";
    result.result = build.result;
  } else {
    result.state = "timedOut";
  }
}

const QUEUED_ITEM_GONE = (id: number) =>
  `The build was queued as item ${id}, but Jenkins no longer knows that item; look for the build with getJob.`;

export function renderTrigger(result: TriggerOutput): string {
  const withParams = describeParameters(result.parameters);
  const build =
    result.buildNumber !== undefined ? describeBuild([result.jobFullName], result.buildNumber) : undefined;
  switch (result.state) {
    case "queued":
      return `Queued ${result.jobFullName}${withParams} as queue item ${result.queueItemId} (${result.queueUrl}).`;
    case "started":
      return `Started ${build}${withParams}: ${result.buildUrl}`;
    case "finished":
      return `${build} finished: ${result.result}${withParams}. ${result.buildUrl}`;
    case "cancelled":
      return `Queue item ${result.queueItemId} for ${result.jobFullName} was cancelled before it started.`;
    case "timedOut":
      return build
        ? `${build} is still running; check it later with getBuild. ${result.buildUrl}`
        : `Queue item ${result.queueItemId} for ${result.jobFullName} is still waiting to start; check again later, or cancel it with cancelQueueItem.`;
  }
}

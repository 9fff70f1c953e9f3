import { z } from "zod";
import type { Build } from "../jenkins/builds.js";
import type { JenkinsClient } from "../jenkins/client.js";
import type { Job } from "../jenkins/jobs.js";
import type { ParameterDefinition } from "../jenkins/parameters.js";
import { describeBuild, formatJobPath, type JobPath } from "../jenkins/paths.js";
import type { QueueItem } from "../jenkins/queue.js";
import { isSecretParameter, MASK } from "../secrets.js";
import { readQueueItem } from "./queue.js";
import { defineTool, ToolError } from "./registry.js";
import { buildNumber, buildRef, jobFullName, requiredBuildNumber, wholeNumber } from "./schemas.js";
import { Backoff, waitForResult } from "./wait.js";

const buildSchema = z.object({
  jobFullName: z.string(),
  number: z.number(),
  url: z.string(),
  result: z.string().nullable(),
  building: z.boolean(),
  startedAt: z.string(),
  durationMs: z.number(),
  estimatedDurationMs: z.number(),
  causes: z.array(z.string()),
  parameters: z.array(
    z.object({ name: z.string(), value: z.union([z.string(), z.number(), z.boolean()]).nullable() }),
  ),
  tests: z.object({ total: z.number(), failed: z.number(), skipped: z.number() }).nullable(),
});

export const getBuild = defineTool({
  name: "getBuild",
  toolset: "builds",
  core: true,
  title: "Get build",
  description:
    "Read one build: result (null while running; SUCCESS, UNSTABLE, FAILURE, NOT_BUILT, ABORTED), start (ISO 8601), duration, causes, parameters (secrets as ****) and test counts.",
  inputSchema: z.object({ jobFullName, buildNumber: buildNumber.optional() }),
  outputSchema: buildSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ jobFullName, buildNumber }, { readBuild, audit }) {
    const build = await readBuild(jobFullName, buildNumber);
    audit.done = `read build ${build.jobFullName} #${build.number}`;
    return { text: renderBuild(build), structured: build };
  },
});

const WAIT_STATES = ["queued", "started", "finished"] as const;
/** Within the HTTP transport's default request timeout (MCP_REQUEST_TIMEOUT_MS, 10 minutes). */
const MAX_TIMEOUT_SECONDS = 600;

const triggerOutput = z.object({
  jobFullName: z.string(),
  queueItemId: z.number(),
  queueUrl: z.string(),
  state: z.enum(["queued", "started", "finished", "cancelled", "timedOut"]),
  buildNumber: z.number().optional(),
  buildUrl: z.string().optional(),
  result: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.string()),
});

type TriggerOutput = z.input<typeof triggerOutput>;

export const triggerBuild = defineTool({
  name: "triggerBuild",
  toolset: "builds",
  core: true,
  title: "Trigger build",
  description:
    "Trigger a build once, parameters checked against the job's (see getJob). Returns the queue item (cancelQueueItem takes its id); waitFor started/finished waits for the build number/result. state timedOut: still waiting or running.",
  inputSchema: z.object({
    jobFullName,
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('e.g. {"BRANCH": "main", "DEPLOY": true}; missing ones take defaults'),
    waitFor: z.enum(WAIT_STATES).default("queued").describe("queued answers at once"),
    timeoutSeconds: wholeNumber("Wait limit (default 50)", { min: 1, max: MAX_TIMEOUT_SECONDS }).default(50),
  }),
  outputSchema: triggerOutput,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async handler(input, { jenkins, signal, progress, job: permitted, authorize, audit }) {
    const jobPath = await permitted("trigger", input.jobFullName);
    const job = await jenkins.getJob(jobPath, signal);
    checkBuildable(job);
    const parameters = checkParameters(job, input.parameters ?? {});
    const shown = maskedParameters(job.parameters, parameters);
    audit.parameters = shown;
    const withParameters = describeParameters(shown);
    await authorize("trigger", job.fullName, `trigger ${job.fullName}${withParameters}`);
    const sent = job.parameters.length > 0 ? parameters : undefined;
    const trigger = await jenkins.triggerBuild(jobPath, sent, signal);
    audit.done = `queued ${job.fullName} as queue item ${trigger.queueItemId}${withParameters}`;
    const result: TriggerOutput = {
      jobFullName: formatJobPath(jobPath),
      queueItemId: trigger.queueItemId,
      queueUrl: trigger.queueUrl,
      state: "queued",
      parameters: shown,
    };
    if (input.waitFor !== "queued") {
      await waitForBuild(
        jenkins,
        jobPath,
        result,
        input.waitFor,
        input.timeoutSeconds * 1000,
        signal,
        progress,
      );
    }
    if (result.buildNumber !== undefined) {
      audit.done = `triggered ${job.fullName} #${result.buildNumber}${withParameters}${result.result ? ` (${result.result})` : ""}`;
    }
    return { text: renderTrigger(result), structured: result };
  },
});

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

export const buildTools = [getBuild, triggerBuild, stopBuild];

function renderStop(result: StopOutput, waitSeconds: number): string {
  const name = describeBuild([result.jobFullName], result.buildNumber);
  const sent = result.sent.map((how) => `/${how}`).join(", then ");
  if (result.stopped) return `Stopped ${name}: ${result.result} (sent ${sent}).`;
  if (result.sent.length < STOP_SIGNALS.length) {
    return `Sent ${sent} to ${name}, but it is still running after ${waitSeconds} s; to force it, call stopBuild again with escalate: true (/term, then /kill).`;
  }
  return `Sent ${sent} to ${name}, and it is still running; check it in Jenkins.`;
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

const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0"]);

/**
 * Validates parameters against the definitions of a job (or of an `input` step, named by
 * `fullName`); returns them as Jenkins expects them.
 */
export function checkParameters(
  job: Pick<Job, "fullName" | "parameters">,
  given: Record<string, string | number | boolean>,
): URLSearchParams {
  const names = Object.keys(given);
  if (job.parameters.length === 0 && names.length > 0) {
    throw new ToolError(`${job.fullName} takes no parameters; leave parameters out.`);
  }
  const definitions = new Map(job.parameters.map((definition) => [definition.name, definition]));
  const params = new URLSearchParams();
  for (const name of names) {
    const definition = definitions.get(name);
    if (!definition) {
      throw new ToolError(
        `${job.fullName} has no parameter "${name}"; its parameters are: ${[...definitions.keys()].join(", ")}.`,
      );
    }
    params.set(name, convertValue(definition, given[name] ?? ""));
  }
  return params;
}

function convertValue(definition: ParameterDefinition, value: string | number | boolean): string {
  if (definition.type === "boolean") {
    const word = String(value).trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return "true";
    if (FALSE_WORDS.has(word)) return "false";
    throw new ToolError(
      `Parameter ${definition.name} is a boolean: give true or false, not ${JSON.stringify(value)}.`,
    );
  }
  const text = String(value);
  if (definition.type === "choice" && definition.choices && !definition.choices.includes(text)) {
    throw new ToolError(
      `Parameter ${definition.name} must be one of ${definition.choices.map((choice) => JSON.stringify(choice)).join(", ")}; got ${JSON.stringify(text)}.`,
    );
  }
  return text;
}

export function maskedParameters(
  definitions: ParameterDefinition[],
  sent: URLSearchParams,
): Record<string, string> {
  const passwords = new Set(definitions.filter((d) => d.type === "password").map((d) => d.name));
  return Object.fromEntries(
    [...sent].map(([name, value]) => [name, passwords.has(name) || isSecretParameter(name) ? MASK : value]),
  );
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

function renderBuild(build: Build & { jobFullName: string }): string {
  const status = build.building ? "running" : (build.result ?? "unknown");
  const lines = [
    `${build.jobFullName} #${build.number}: ${status}, started ${build.startedAt}` +
      (build.building
        ? `, about ${Math.round(build.estimatedDurationMs / 1000)} s expected`
        : `, took ${Math.round(build.durationMs / 1000)} s`),
  ];
  if (build.causes.length) lines.push(`Cause: ${build.causes.join("; ")}`);
  if (build.parameters.length) {
    lines.push(`Parameters: ${build.parameters.map((p) => `${p.name}=${p.value ?? ""}`).join(", ")}`);
  }
  if (build.tests) {
    lines.push(
      `Tests: ${build.tests.total} total, ${build.tests.failed} failed, ${build.tests.skipped} skipped`,
    );
  }
  lines.push(build.url);
  return lines.join("\n");
}

export function describeParameters(parameters: Record<string, string>): string {
  const pairs = Object.entries(parameters).map(([name, value]) => `${name}=${value}`);
  return pairs.length > 0 ? ` with ${pairs.join(", ")}` : "";
}

function renderTrigger(result: TriggerOutput): string {
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

import { z } from "zod";
import type { JenkinsClient } from "../jenkins/client.js";
import { JenkinsError } from "../jenkins/errors.js";
import { formatJobPath } from "../jenkins/paths.js";
import type { QueueItem } from "../jenkins/queue.js";
import { defineTool, ToolError } from "./registry.js";
import { wholeNumber } from "./schemas.js";

export const cancelQueueItem = defineTool({
  name: "cancelQueueItem",
  toolset: "queue",
  core: true,
  title: "Cancel queued build",
  description:
    "Cancel a build still waiting in the queue (queueItemId from triggerBuild). A build that already started is refused with its number.",
  inputSchema: z.object({
    queueItemId: wholeNumber("Queue item id, e.g. 1234", { min: 1, max: 1_000_000_000 }),
  }),
  outputSchema: z.object({
    queueItemId: z.number(),
    cancelled: z.literal(true),
    jobFullName: z.string().nullable(),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
  async handler({ queueItemId }, { jenkins, signal, check, authorize, audit }) {
    const item = await readQueueItem(jenkins, queueItemId, signal, UNKNOWN_ITEM);
    const jobFullName = jobNameOf(jenkins, item);
    // Which job a queue item belongs to is known only from Jenkins: the policy decides after that
    // read and before anything of the item is told or sent.
    check("cancel", jobFullName);
    await authorize(
      "cancel",
      jobFullName ?? `queue item ${queueItemId}`,
      `cancel queued ${jobFullName ?? "build"} (queue item ${queueItemId})`,
    );
    refuseIfLeft(item, jobFullName);
    try {
      await jenkins.cancelQueueItem(queueItemId, signal);
    } catch (error) {
      // Jenkins answers 500 when the item left the queue between our read and the cancel.
      if (!(error instanceof JenkinsError && error.kind === "serverError")) throw error;
      refuseIfLeft(await readQueueItem(jenkins, queueItemId, signal, UNKNOWN_ITEM), jobFullName);
      throw error;
    }
    audit.done = `cancelled queue item ${queueItemId}${jobFullName ? ` of ${jobFullName}` : ""}`;
    const structured = { queueItemId, cancelled: true as const, jobFullName };
    return {
      text: `Cancelled queue item ${queueItemId}${jobFullName ? ` (${jobFullName})` : ""}: that build will not run.`,
      structured,
    };
  },
});

const queueItemSchema = z.object({
  id: z.number(),
  jobFullName: z.string().nullable(),
  state: z.enum(["queued", "started", "cancelled"]),
  why: z.string().nullable(),
  blocked: z.boolean(),
  stuck: z.boolean(),
  inQueueSince: z.string().nullable(),
  buildNumber: z.number().nullable(),
  buildUrl: z.string().nullable(),
});

type QueueItemOutput = z.input<typeof queueItemSchema>;

export const getQueueItem = defineTool({
  name: "getQueueItem",
  toolset: "queue",
  core: false,
  title: "Get queue item",
  description:
    'What became of a queued build (queueItemId from triggerBuild): still waiting and why, cancelled, or started as buildNumber. Jenkins forgets items 5 minutes after they leave the queue. E.g. {"queueItemId": 1234}',
  inputSchema: z.object({
    queueItemId: wholeNumber("Queue item id, e.g. 1234", { min: 1, max: 1_000_000_000 }),
  }),
  outputSchema: queueItemSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ queueItemId }, { jenkins, signal, check, authorize, audit }) {
    const item = await readQueueItem(jenkins, queueItemId, signal, UNKNOWN_ITEM);
    const structured = toOutput(jenkins, item);
    // Which job an item belongs to is known only from Jenkins: the policy decides after that read.
    check("read", structured.jobFullName);
    await authorize("read", structured.jobFullName ?? `queue item ${queueItemId}`);
    audit.done = `read queue item ${queueItemId}`;
    return { text: describeItem(structured), structured };
  },
});

export const getQueue = defineTool({
  name: "getQueue",
  toolset: "queue",
  core: false,
  title: "List queue",
  description:
    "Builds waiting to start, longest waiting first: job, why it waits (quiet period, busy executors, another build running), since when, blocked or stuck.",
  inputSchema: z.object({}),
  outputSchema: z.object({ items: z.array(queueItemSchema) }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, mayRead, audit }) {
    const items = (await jenkins.listQueue(signal))
      .map((item) => toOutput(jenkins, item))
      .filter((item) => mayRead(item.jobFullName))
      .sort((a, b) => (a.inQueueSince ?? "").localeCompare(b.inQueueSince ?? ""));
    audit.done = `listed the queue (${items.length} items)`;
    const text =
      items.length === 0
        ? "The queue is empty: no build is waiting to start."
        : [`${items.length} waiting:`, ...items.map((item) => `- ${describeItem(item)}`)].join("\n");
    return { text, structured: { items } };
  },
});

export const queueTools = [cancelQueueItem, getQueueItem, getQueue];

function toOutput(jenkins: JenkinsClient, item: QueueItem): QueueItemOutput {
  return {
    id: item.id,
    jobFullName: jobNameOf(jenkins, item),
    state: item.state,
    why: item.why,
    blocked: item.blocked,
    stuck: item.stuck,
    inQueueSince: item.inQueueSince,
    buildNumber: item.build?.number ?? null,
    buildUrl: item.build?.url ?? null,
  };
}

function describeItem(item: QueueItemOutput): string {
  const job = item.jobFullName ?? "an unknown task";
  if (item.state === "started")
    return `Queue item ${item.id} started as ${job} #${item.buildNumber}: ${item.buildUrl}`;
  if (item.state === "cancelled") return `Queue item ${item.id} (${job}) was cancelled before it started.`;
  const flags = [item.blocked ? "blocked" : "", item.stuck ? "stuck" : ""].filter(Boolean).join(", ");
  return `Queue item ${item.id} (${job}) waits since ${item.inQueueSince ?? "an unknown time"}${flags ? ` (${flags})` : ""}: ${item.why ?? "no reason given"}`;
}

const UNKNOWN_ITEM = (id: number) =>
  `Queue item ${id} is unknown to Jenkins: it never existed, or it left the queue more than 5 minutes ago. Use getJob to see the job's builds.`;

/** A queue item, or a refusal saying (in `unknown`'s words) that Jenkins no longer has it. */
export async function readQueueItem(
  jenkins: JenkinsClient,
  id: number,
  signal: AbortSignal,
  unknown: (id: number) => string,
): Promise<QueueItem> {
  try {
    return await jenkins.getQueueItem(id, signal);
  } catch (error) {
    if (error instanceof JenkinsError && error.kind === "notFound") throw new ToolError(unknown(id));
    throw error;
  }
}

/**
 * The full name of the job a queue item builds, as Jenkins spells it: the task's own fullName, else
 * read from its URL (a node block of a pipeline names its build's URL); null when neither names one.
 */
function jobNameOf(jenkins: JenkinsClient, item: QueueItem): string | null {
  if (item.taskFullName) return item.taskFullName;
  const path = item.taskUrl ? jenkins.jobPathFromUrl(item.taskUrl) : undefined;
  return path ? formatJobPath(path) : null;
}

function refuseIfLeft(item: QueueItem, jobFullName: string | null): void {
  if (item.state === "started" && item.build) {
    throw new ToolError(
      `Queue item ${item.id} already started as ${jobFullName ?? "build"} #${item.build.number}, so it cannot be cancelled; stop the running build instead (stopBuild, or its Stop button).`,
    );
  }
  if (item.state === "cancelled") {
    throw new ToolError(
      `Queue item ${item.id}${jobFullName ? ` (${jobFullName})` : ""} was already cancelled.`,
    );
  }
}

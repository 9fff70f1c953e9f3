import { z } from "zod";
import type { JenkinsClient } from "../../jenkins/client.js";
import { JenkinsError } from "../../jenkins/errors.js";
import { formatJobPath } from "../../jenkins/paths.js";
import type { QueueItem } from "../../jenkins/queue.js";
import { ToolError } from "../registry.js";

export const queueItemSchema = z.object({
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

export function queueItemOutput(jenkins: JenkinsClient, item: QueueItem): QueueItemOutput {
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

export function describeItem(item: QueueItemOutput): string {
  const job = item.jobFullName ?? "an unknown task";
  if (item.state === "started")
    return `Queue item ${item.id} started as ${job} #${item.buildNumber}: ${item.buildUrl}`;
  if (item.state === "cancelled") return `Queue item ${item.id} (${job}) was cancelled before it started.`;
  const flags = [item.blocked ? "blocked" : "", item.stuck ? "stuck" : ""].filter(Boolean).join(", ");
  return `Queue item ${item.id} (${job}) waits since ${item.inQueueSince ?? "an unknown time"}${flags ? ` (${flags})` : ""}: ${item.why ?? "no reason given"}`;
}

export const UNKNOWN_ITEM = (id: number) =>
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
export function jobNameOf(jenkins: JenkinsClient, item: QueueItem): string | null {
  if (item.taskFullName) return item.taskFullName;
  const path = item.taskUrl ? jenkins.jobPathFromUrl(item.taskUrl) : undefined;
  return path ? formatJobPath(path) : null;
}

import type { JenkinsHttp } from "./http.js";

/** The build queue: where a triggered build waits until it starts. */

interface RawQueueItem {
  _class?: string;
  id: number;
  why?: string | null;
  blocked?: boolean;
  buildable?: boolean;
  stuck?: boolean;
  cancelled?: boolean;
  inQueueSince?: number;
  task?: { fullName?: string; url?: string };
  executable?: { number: number; url: string } | null;
}

type QueueState = "queued" | "started" | "cancelled";

export interface QueueItem {
  id: number;
  state: QueueState;
  why: string | null;
  blocked: boolean;
  stuck: boolean;
  inQueueSince: string | null;
  /** The task's full name when it is an item (a job, or a folder being indexed). */
  taskFullName: string | null;
  taskUrl: string | null;
  build: { number: number; url: string } | null;
}

const QUEUE_TREE =
  "_class,id,why,blocked,buildable,stuck,cancelled,inQueueSince,task[fullName,url],executable[number,url]";

export async function getQueueItem(http: JenkinsHttp, id: number, signal?: AbortSignal): Promise<QueueItem> {
  const raw = await http.json<RawQueueItem>({
    path: `queue/item/${id}/api/json`,
    query: { tree: QUEUE_TREE },
    action: `reading queue item ${id}`,
    notFound: {
      sentence: `Queue item ${id} was not found: it never existed, or it left the queue more than 5 minutes ago`,
    },
    signal,
  });
  return toQueueItem(raw);
}

export async function cancelQueueItem(http: JenkinsHttp, id: number, signal?: AbortSignal): Promise<void> {
  const response = await http.send({
    method: "POST",
    path: "queue/cancelItem",
    query: { id },
    // Older Jenkins answers the cancel with a redirect to the queue page.
    accept: [302, 303],
    action: `cancelling queue item ${id}`,
    notFound: { sentence: `Queue item ${id} was not found: it never existed, or it already left the queue` },
    mutating: true,
    signal,
  });
  await response.body.dump();
}

export async function listQueue(http: JenkinsHttp, signal?: AbortSignal): Promise<QueueItem[]> {
  const raw = await http.json<{ items?: RawQueueItem[] }>({
    path: "queue/api/json",
    query: { tree: `items[${QUEUE_TREE}]` },
    action: "reading the queue",
    signal,
  });
  return (raw.items ?? []).map(toQueueItem);
}

function toQueueItem(raw: RawQueueItem): QueueItem {
  const state: QueueState = raw.executable ? "started" : raw.cancelled ? "cancelled" : "queued";
  return {
    id: raw.id,
    state,
    why: raw.why ?? null,
    blocked: raw.blocked ?? false,
    stuck: raw.stuck ?? false,
    inQueueSince: raw.inQueueSince ? new Date(raw.inQueueSince).toISOString() : null,
    taskFullName: raw.task?.fullName ?? null,
    taskUrl: raw.task?.url ?? null,
    build: raw.executable ? { number: raw.executable.number, url: raw.executable.url } : null,
  };
}

import { z } from "zod";
import { defineTool } from "../registry.js";
import { describeItem, queueItemOutput, queueItemSchema } from "./items.js";

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
      .map((item) => queueItemOutput(jenkins, item))
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

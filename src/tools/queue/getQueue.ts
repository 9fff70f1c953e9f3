import { z } from "zod";
import { unavailableSchema, unavailableText } from "../fan-out.js";
import { defineTool, type ToolContext } from "../registry.js";
import { describeItem, queueItemOutput, queueItemSchema } from "./items.js";

const byWaitingTime = (a: { inQueueSince: string | null }, b: { inQueueSince: string | null }) =>
  (a.inQueueSince ?? "").localeCompare(b.inQueueSince ?? "");

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
  async handler(_input, context) {
    const items = (await readableQueue(context)).sort(byWaitingTime);
    context.audit.done = `listed the queue (${items.length} items)`;
    const text =
      items.length === 0
        ? "The queue is empty: no build is waiting to start."
        : [`${items.length} waiting:`, ...items.map((item) => `- ${describeItem(item)}`)].join("\n");
    return { text, structured: { items } };
  },
  acrossControllers: {
    outputSchema: z.object({
      items: z.array(queueItemSchema.extend({ controller: z.string() })),
      unavailable: unavailableSchema,
    }),
    async handler(_input, { gather, audit, controllers }) {
      const { answers, unavailable } = await gather(readableQueue);
      // One queue, longest waiting first, whichever controller the item waits on.
      const items = answers
        .flatMap(({ controller, value }) => value.map((item) => ({ ...item, controller })))
        .sort(byWaitingTime);
      audit.done = `listed the queues of ${controllers.join(", ")} (${items.length} items)`;
      const text =
        items.length === 0
          ? `No build is waiting to start on ${controllers.join(", ")}.`
          : [
              `${items.length} waiting:`,
              ...items.map((item) => `- [${item.controller}] ${describeItem(item)}`),
            ].join("\n");
      return { text: text + unavailableText(unavailable), structured: { items, unavailable } };
    },
  },
});

/** The items of one controller's queue the client may read. */
async function readableQueue({ jenkins, signal, mayRead }: ToolContext) {
  return (await jenkins.listQueue(signal))
    .map((item) => queueItemOutput(jenkins, item))
    .filter((item) => mayRead(item.jobFullName));
}

import { z } from "zod";
import { defineTool } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { describeItem, queueItemOutput, queueItemSchema, readQueueItem, UNKNOWN_ITEM } from "./items.js";

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
    const structured = queueItemOutput(jenkins, item);
    // Which job an item belongs to is known only from Jenkins: the policy decides after that read.
    check("read", structured.jobFullName);
    await authorize("read", structured.jobFullName ?? `queue item ${queueItemId}`);
    audit.done = `read queue item ${queueItemId}`;
    return { text: describeItem(structured), structured };
  },
});

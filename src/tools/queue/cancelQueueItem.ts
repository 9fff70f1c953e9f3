import { z } from "zod";
import { JenkinsError } from "../../jenkins/errors.js";
import type { QueueItem } from "../../jenkins/queue.js";
import { defineTool, ToolError } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { jobNameOf, readQueueItem, UNKNOWN_ITEM } from "./items.js";

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
  writes: "cancel",
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

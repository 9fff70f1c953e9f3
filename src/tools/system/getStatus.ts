import { z } from "zod";
import type { ServerStatus } from "../../jenkins/system.js";
import { defineTool } from "../registry.js";

export const getStatus = defineTool({
  name: "getStatus",
  toolset: "system",
  core: false,
  title: "Jenkins status",
  description:
    "Whether Jenkins is ready to build: version, quiet mode (no new builds start), queue length, executors busy and free, offline nodes.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    jenkinsUrl: z.string(),
    version: z.string(),
    quietingDown: z.boolean(),
    quietDownReason: z.string().nullable(),
    queue: z.object({ length: z.number(), buildable: z.number(), stuck: z.number() }),
    executors: z.object({ busy: z.number(), free: z.number(), total: z.number() }),
    nodes: z.object({
      total: z.number(),
      offline: z.array(z.object({ name: z.string(), reason: z.string().nullable() })),
    }),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, audit }) {
    const status = await jenkins.status(signal);
    audit.done = "read the status of Jenkins";
    return {
      text: renderStatus(jenkins.baseUrl, status),
      structured: { jenkinsUrl: jenkins.baseUrl, ...status },
    };
  },
});

function renderStatus(url: string, status: ServerStatus): string {
  const lines = [`Jenkins ${status.version} at ${url}`];
  lines.push(
    status.quietingDown
      ? `Quiet mode: no new builds start${status.quietDownReason ? ` (${status.quietDownReason})` : ""}.`
      : "Not in quiet mode: builds start as usual.",
  );
  const { queue, executors, nodes } = status;
  lines.push(
    `Queue: ${queue.length} waiting${queue.buildable ? `, ${queue.buildable} ready for an executor` : ""}${queue.stuck ? `, ${queue.stuck} stuck` : ""}.`,
  );
  lines.push(`Executors: ${executors.busy} busy, ${executors.free} free of ${executors.total} online.`);
  const offline = nodes.offline.map((node) => `${node.name}${node.reason ? ` (${node.reason})` : ""}`);
  lines.push(
    offline.length
      ? `Offline nodes (${offline.length} of ${nodes.total}): ${offline.join(", ")}.`
      : `All ${nodes.total} nodes online.`,
  );
  return lines.join("\n");
}

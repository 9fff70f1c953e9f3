import { z } from "zod";
import type { NodeInfo, NodeList } from "../../jenkins/nodes.js";
import { defineTool } from "../registry.js";

/** Enough for most controllers; one request reads them, and the answer says when there are more. */
const MAX_NODES = 100;

export const getNodes = defineTool({
  name: "getNodes",
  toolset: "system",
  core: false,
  title: "List nodes",
  description:
    'The controller\'s nodes, built-in node first: online or offline (and why), labels, executors busy and idle. Answers "why does my build wait for an agent?" or "which agents have the linux label?"',
  inputSchema: z.object({}),
  outputSchema: z.object({
    nodes: z.array(
      z.object({
        name: z.string(),
        offline: z.boolean(),
        temporarilyOffline: z.boolean(),
        offlineReason: z.string().nullable(),
        labels: z.array(z.string()),
        executors: z.object({ busy: z.number(), idle: z.number(), total: z.number() }),
      }),
    ),
    hasMore: z.boolean(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, audit }) {
    const list = await jenkins.listNodes(MAX_NODES, signal);
    audit.done = `listed ${list.nodes.length} nodes`;
    return { text: renderNodes(list), structured: list };
  },
});

function renderNodes(list: NodeList): string {
  const offline = list.nodes.filter((node) => node.offline).length;
  const lines = [
    `Nodes (${list.nodes.length}${list.hasMore ? ", the first ones" : ""}, ${offline} offline):`,
    ...list.nodes.map((node) => `- ${describeNode(node)}`),
  ];
  if (list.hasMore) lines.push(`More nodes exist than the ${MAX_NODES} listed.`);
  return lines.join("\n");
}

function describeNode(node: NodeInfo): string {
  const { busy, total } = node.executors;
  const state = node.offline
    ? `offline${node.temporarilyOffline ? ", marked offline by a person" : ""}${node.offlineReason ? `: ${node.offlineReason.replace(/\s+/g, " ")}` : ""}`
    : `online, ${busy} of ${total} executors busy`;
  const labels = node.labels.length ? `; labels ${node.labels.join(" ")}` : "";
  return `${node.name} (${state})${labels}`;
}

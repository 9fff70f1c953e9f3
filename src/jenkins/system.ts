import type { JenkinsHttp } from "./http.js";
import { NODE_STATE_FIELDS, offlineReason, type RawComputer } from "./nodes.js";

/** Which Jenkins this is, who the server acts as, and how the controller is doing. */

export interface ServerInfo {
  version: string;
}

interface RawWhoAmI {
  name?: string;
  anonymous?: boolean;
  authorities?: string[];
}

export interface WhoAmI {
  user: string;
  anonymous: boolean;
  authorities: string[];
}

const WHO_AM_I_TREE = "name,anonymous,authorities";

const ROOT_STATUS_TREE = "quietingDown,quietDownReason";
const QUEUE_STATUS_TREE = "items[buildable,stuck]";
const NODES_TREE = `busyExecutors,totalExecutors,computer[${NODE_STATE_FIELDS}]`;

interface RawRootStatus {
  quietingDown?: boolean;
  quietDownReason?: string | null;
}

interface RawQueueStatus {
  items?: Array<{ buildable?: boolean; stuck?: boolean }>;
}

interface RawNodes {
  busyExecutors?: number;
  totalExecutors?: number;
  computer?: RawComputer[];
}

export interface ServerStatus {
  version: string;
  quietingDown: boolean;
  quietDownReason: string | null;
  queue: { length: number; buildable: number; stuck: number };
  executors: { busy: number; free: number; total: number };
  nodes: { total: number; offline: Array<{ name: string; reason: string | null }> };
}

export async function serverInfo(http: JenkinsHttp, signal?: AbortSignal): Promise<ServerInfo> {
  const response = await http.send({
    method: "HEAD",
    path: "",
    action: "checking the Jenkins server",
    requireJenkinsHeader: true,
    signal,
  });
  await response.body.dump();
  return { version: String(response.headers["x-jenkins"]) };
}

export async function whoAmI(http: JenkinsHttp, signal?: AbortSignal): Promise<WhoAmI> {
  return toWhoAmI(
    await http.json<RawWhoAmI>({
      path: "whoAmI/api/json",
      query: { tree: WHO_AM_I_TREE },
      action: "asking Jenkins who the server is",
      signal,
    }),
  );
}

export async function status(http: JenkinsHttp, signal?: AbortSignal): Promise<ServerStatus> {
  const [info, root, queue, nodes] = await Promise.all([
    serverInfo(http, signal),
    http.json<RawRootStatus>({
      path: "api/json",
      query: { tree: ROOT_STATUS_TREE },
      action: "reading Jenkins' state",
      signal,
    }),
    http.json<RawQueueStatus>({
      path: "queue/api/json",
      query: { tree: QUEUE_STATUS_TREE },
      action: "reading the queue",
      signal,
    }),
    http.json<RawNodes>({
      path: "computer/api/json",
      query: { tree: NODES_TREE },
      action: "reading the nodes",
      signal,
    }),
  ]);
  return toServerStatus(info.version, root, queue, nodes);
}

function toWhoAmI(raw: RawWhoAmI): WhoAmI {
  return {
    user: raw.name ?? "anonymous",
    anonymous: raw.anonymous ?? raw.name === "anonymous",
    authorities: raw.authorities ?? [],
  };
}

function toServerStatus(
  version: string,
  root: RawRootStatus,
  queue: RawQueueStatus,
  nodes: RawNodes,
): ServerStatus {
  const items = queue.items ?? [];
  const computers = nodes.computer ?? [];
  const busy = nodes.busyExecutors ?? 0;
  const total = nodes.totalExecutors ?? 0;
  return {
    version,
    quietingDown: root.quietingDown ?? false,
    quietDownReason: root.quietingDown ? (root.quietDownReason ?? null) : null,
    queue: {
      length: items.length,
      buildable: items.filter((item) => item.buildable).length,
      stuck: items.filter((item) => item.stuck).length,
    },
    executors: { busy, free: Math.max(0, total - busy), total },
    nodes: {
      total: computers.length,
      offline: computers
        .filter((computer) => computer.offline)
        .map((computer) => ({
          name: computer.displayName ?? "",
          reason: offlineReason(computer) ?? (computer.temporarilyOffline ? "marked offline" : null),
        })),
    },
  };
}

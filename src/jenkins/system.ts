/** Who the server acts as, and how the Jenkins controller is doing. */

export interface RawWhoAmI {
  name?: string;
  anonymous?: boolean;
  authorities?: string[];
}

export interface WhoAmI {
  user: string;
  anonymous: boolean;
  authorities: string[];
}

export const WHO_AM_I_TREE = "name,anonymous,authorities";

export function toWhoAmI(raw: RawWhoAmI): WhoAmI {
  return {
    user: raw.name ?? "anonymous",
    anonymous: raw.anonymous ?? raw.name === "anonymous",
    authorities: raw.authorities ?? [],
  };
}

export const ROOT_STATUS_TREE = "quietingDown,quietDownReason";
export const QUEUE_STATUS_TREE = "items[buildable,stuck]";
export const NODES_TREE =
  "busyExecutors,totalExecutors,computer[displayName,offline,temporarilyOffline,offlineCauseReason]";

export interface RawRootStatus {
  quietingDown?: boolean;
  quietDownReason?: string | null;
}

export interface RawQueueStatus {
  items?: Array<{ buildable?: boolean; stuck?: boolean }>;
}

export interface RawNodes {
  busyExecutors?: number;
  totalExecutors?: number;
  computer?: Array<{
    displayName?: string;
    offline?: boolean;
    temporarilyOffline?: boolean;
    offlineCauseReason?: string | null;
  }>;
}

export interface ServerStatus {
  version: string;
  quietingDown: boolean;
  quietDownReason: string | null;
  queue: { length: number; buildable: number; stuck: number };
  executors: { busy: number; free: number; total: number };
  nodes: { total: number; offline: Array<{ name: string; reason: string | null }> };
}

export function toServerStatus(
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
          reason: computer.offlineCauseReason || (computer.temporarilyOffline ? "marked offline" : null),
        })),
    },
  };
}

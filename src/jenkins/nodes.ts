import { decodeEntities } from "./errors.js";
import type { JenkinsHttp } from "./http.js";

/**
 * The controller's nodes and what their executors run: `computer/api/json`, hudson.model.ComputerSet.
 * Its `computer` list holds a hudson.model.Computer per node, the built-in node first, then the
 * agents by name. Fields as core's Computer, Executor and Run, and the Pipeline plugins'
 * ExecutorStepExecution.PlaceholderTask.PlaceholderExecutable, export them (checked in 2026 sources).
 */

/** A build as an executor exports it: a Run, or a pipeline's `node` block (PlaceholderExecutable). */
interface RawExecutable {
  number?: number | null;
  /** Absolute: Run.getAbsoluteUrl, which the node block of a pipeline shares with its build. */
  url?: string;
  timestamp?: number | null;
  estimatedDuration?: number;
}

/**
 * hudson.model.Executor. `currentExecutable` is null while idle, and also when the Jenkins user may
 * not read what runs there (Executor.getCurrentExecutableForApi).
 */
interface RawExecutor {
  idle?: boolean;
  currentExecutable?: RawExecutable | null;
}

/** hudson.model.Computer. */
export interface RawComputer {
  displayName?: string;
  offline?: boolean;
  /** Marked offline by a person: no new builds start there, running ones go on. */
  temporarilyOffline?: boolean;
  /** IOfflineCause.getReason: "" without a cause; HTML-escaped (hudson.Util.escape) since 2.483. */
  offlineCauseReason?: string | null;
  assignedLabels?: Array<{ name?: string }>;
  /** The node's own executors. */
  executors?: RawExecutor[];
  /** OneOffExecutors, added for flyweight tasks: a pipeline's own run, outside its `node` blocks. */
  oneOffExecutors?: RawExecutor[];
}

/** The Computer fields that say whether a node can take builds, and why not. */
export const NODE_STATE_FIELDS = "displayName,offline,temporarilyOffline,offlineCauseReason";

const EXECUTABLE_TREE = "currentExecutable[number,url,timestamp,estimatedDuration]";
const RUNNING_BUILDS_TREE = `computer[displayName,executors[${EXECUTABLE_TREE}],oneOffExecutors[${EXECUTABLE_TREE}]]`;

export interface NodeInfo {
  name: string;
  offline: boolean;
  temporarilyOffline: boolean;
  offlineReason: string | null;
  labels: string[];
  executors: { busy: number; idle: number; total: number };
}

export interface NodeList {
  /** The built-in node first, then the agents by name. */
  nodes: NodeInfo[];
  /** More nodes exist than were asked for. */
  hasMore: boolean;
}

export interface RunningBuild {
  url: string;
  number: number;
  /** Where it runs: the nodes of a pipeline's `node` blocks, else the node of its executor. */
  nodes: string[];
  startedAt: string;
  elapsedMs: number;
  /** Jenkins' estimate (the mean of recent builds); null when it has none. */
  estimatedDurationMs: number | null;
  /** Null without an estimate, or once the build runs longer than it. */
  estimatedRemainingMs: number | null;
}

/** The first `limit` nodes, from one request. */
export async function listNodes(http: JenkinsHttp, limit: number, signal?: AbortSignal): Promise<NodeList> {
  const raw = await http.json<{ computer?: RawComputer[] }>({
    path: "computer/api/json",
    query: {
      tree: `computer[${NODE_STATE_FIELDS},assignedLabels[name],executors[idle]]{0,${limit + 1}}`,
    },
    action: "reading the nodes",
    signal,
  });
  const computers = raw.computer ?? [];
  return { nodes: computers.slice(0, limit).map(toNodeInfo), hasMore: computers.length > limit };
}

/** Every build an executor runs now, once each, from one request; longest running first. */
export async function listRunningBuilds(http: JenkinsHttp, signal?: AbortSignal): Promise<RunningBuild[]> {
  const raw = await http.json<{ computer?: RawComputer[] }>({
    path: "computer/api/json",
    query: { tree: RUNNING_BUILDS_TREE },
    action: "reading what the executors run",
    signal,
  });
  return toRunningBuilds(raw.computer ?? [], Date.now());
}

/** Why an offline node is offline, as its offline cause says (null: it gives no reason). */
export function offlineReason(computer: RawComputer): string | null {
  if (!computer.offline || !computer.offlineCauseReason) return null;
  return decodeEntities(computer.offlineCauseReason.replace(/<br>/g, "\n").replace(/&nbsp;/g, " "));
}

function toNodeInfo(computer: RawComputer): NodeInfo {
  const executors = computer.executors ?? [];
  const idle = executors.filter((executor) => executor.idle).length;
  return {
    name: computer.displayName ?? "",
    offline: computer.offline ?? false,
    temporarilyOffline: computer.temporarilyOffline ?? false,
    offlineReason: offlineReason(computer),
    labels: (computer.assignedLabels ?? []).flatMap((label) => (label.name ? [label.name] : [])).sort(),
    executors: { busy: executors.length - idle, idle, total: executors.length },
  };
}

interface BuildExecutable extends RawExecutable {
  number: number;
  url: string;
  timestamp: number;
}

function isBuild(executable: RawExecutable | null | undefined): executable is BuildExecutable {
  return (
    typeof executable?.number === "number" && !!executable.url && typeof executable.timestamp === "number"
  );
}

/**
 * A pipeline shows on a one-off executor (its own run) and on an executor per `node` block running,
 * all with the build's URL: one entry per URL, placed on its `node` blocks' nodes when it has some.
 * Executables that are not builds (no number, e.g. a branch indexing) are left out.
 */
function toRunningBuilds(computers: RawComputer[], now: number): RunningBuild[] {
  const byUrl = new Map<
    string,
    { build: BuildExecutable; onExecutors: Set<string>; onOneOff: Set<string> }
  >();
  for (const computer of computers) {
    const node = computer.displayName ?? "";
    const executors = [
      ...(computer.executors ?? []).map((executor) => ({ executor, oneOff: false })),
      ...(computer.oneOffExecutors ?? []).map((executor) => ({ executor, oneOff: true })),
    ];
    for (const { executor, oneOff } of executors) {
      const build = executor.currentExecutable;
      if (!isBuild(build)) continue;
      const seen = byUrl.get(build.url) ?? { build, onExecutors: new Set(), onOneOff: new Set() };
      (oneOff ? seen.onOneOff : seen.onExecutors).add(node);
      byUrl.set(build.url, seen);
    }
  }
  return [...byUrl.values()]
    .map(({ build, onExecutors, onOneOff }) =>
      toRunningBuild(build, onExecutors.size ? onExecutors : onOneOff, now),
    )
    .sort((a, b) => b.elapsedMs - a.elapsedMs);
}

function toRunningBuild(build: BuildExecutable, nodes: Set<string>, now: number): RunningBuild {
  const elapsedMs = Math.max(0, now - build.timestamp);
  const estimate =
    build.estimatedDuration !== undefined && build.estimatedDuration > 0 ? build.estimatedDuration : null;
  const remaining = estimate === null ? null : estimate - elapsedMs;
  return {
    url: build.url,
    number: build.number,
    nodes: [...nodes],
    startedAt: new Date(build.timestamp).toISOString(),
    elapsedMs,
    estimatedDurationMs: estimate,
    estimatedRemainingMs: remaining !== null && remaining > 0 ? remaining : null,
  };
}

import type { FlowGraph, FlowNode } from "../flow.js";
import { stripNotes } from "../logs.js";
import type { Build, StageStatus } from "../world.js";
import type { AppEnv } from "./context.js";

/**
 * The Pipeline Stage View plugin's JSON (pipeline-stage-view-plugin, rest-api module) computed from
 * a run's flow graph: RunExt's stages, StageNodeExt with its AtomFlowNodeExt children, FlowNodeExt
 * for other nodes, and FlowNodeLogExt.
 */

type Json = Record<string, unknown>;

/** StageNodeExt.MAX_CHILD_NODES: ChunkVisitor keeps the first 100 atom nodes of a stage. */
const MAX_CHILD_NODES = 100;

/** FlowNodeLogExt.MAX_RETURN_CHARS: the log endpoint returns the last 10 KiB of a step's log. */
const MAX_RETURN_CHARS = 10 * 1024;

/** A stage as ChunkVisitor collects it: its body start, its body end, and the atom steps in it. */
interface StageChunk {
  readonly start: FlowNode;
  readonly end: FlowNode | undefined;
  readonly atoms: readonly FlowNode[];
}

/** Where the node's pages live: FlowNode.getUrl below the context path (ModelUtil.getFullItemUrl). */
function nodeUrl(env: AppEnv, build: Build, node: FlowNode): string {
  return `${env.pages.rootPath}${build.url}execution/node/${node.id}/`;
}

/**
 * The stages of a run (StageChunkFinder: a LabelAction without ThreadNameAction), each with the atom
 * steps whose innermost stage it is. Stages nested in stages are listed flat, as the stage view does;
 * steps of parallel branches belong to the stage around the `parallel`.
 */
function stageChunks(flow: FlowGraph): StageChunk[] {
  const atomsByStage = new Map<FlowNode, FlowNode[]>();
  for (const node of flow.all()) {
    if (node.kind !== "StepAtomNode") continue;
    const stage = flow.enclosingBlocks(node).find((block) => block.isStage);
    if (stage) atomsByStage.set(stage, [...(atomsByStage.get(stage) ?? []), node]);
  }
  return flow
    .all()
    .filter((node) => node.isStage)
    .map((start) => ({ start, end: flow.endOf(start), atoms: atomsByStage.get(start) ?? [] }));
}

/**
 * StatusExt of a chunk (StatusAndTiming.computeChunkStatus): FAILED when an error left its last node
 * (no `catch` is simulated, so the node after it has the error too), else SUCCESS.
 */
function chunkStatus(chunk: StageChunk): StageStatus {
  // Declarative's skipped stages show as not executed, as the seeded stage lists always had them
  // (the plugin itself sees their nodes executed; the simulator keeps the simpler answer).
  if (chunk.start.spec.stageTag === "skippedForFailure") return "NOT_EXECUTED";
  if (!chunk.end) return "IN_PROGRESS";
  return chunk.end.error ? "FAILED" : "SUCCESS";
}

/** StatusExt.valueOf(ErrorAction): a node with an error failed, any other succeeded. */
function nodeStatus(node: FlowNode): StageStatus {
  return node.error ? "FAILED" : "SUCCESS";
}

function link(href: string): { href: string } {
  return { href };
}

/** FlowNodeExt.addBasicNodeData: the fields every node has; `error` only when it ran. */
function basicNodeData(env: AppEnv, build: Build, node: FlowNode, status: StageStatus, timing: Timing): Json {
  const args = node.spec.arguments;
  const error = status === "NOT_EXECUTED" ? null : node.error;
  return {
    _links: { self: link(`${nodeUrl(env, build, node)}wfapi/describe`) },
    id: node.id,
    name: node.displayName,
    execNode: "",
    status,
    ...(error ? { error: { message: error.message, type: error.type } } : {}),
    ...(args === undefined ? {} : { parameterDescription: args }),
    startTimeMillis: timing.start,
    durationMillis: timing.duration,
    pauseDurationMillis: 0,
  };
}

interface Timing {
  readonly start: number;
  readonly duration: number;
}

/** StatusAndTiming.computeChunkTiming for one node: until the node after it. */
function nodeTiming(flow: FlowGraph, node: FlowNode): Timing {
  return { start: node.startTime, duration: flow.durationOf(node) };
}

/**
 * AtomFlowNodeExt: FlowNodeExt with `parentNodes`, and `_links.log` when the step has a log
 * (LogAction); inside a stage (ChunkVisitor.makeAtomNode) also `_links.console`.
 */
function atomNode(env: AppEnv, build: Build, flow: FlowGraph, node: FlowNode, inStage: boolean): Json {
  const basic = basicNodeData(env, build, node, nodeStatus(node), nodeTiming(flow, node));
  const url = nodeUrl(env, build, node);
  const logLinks =
    node.log.length === 0
      ? {}
      : { log: link(`${url}wfapi/log`), ...(inStage ? { console: link(`${url}log`) } : {}) };
  return {
    ...basic,
    _links: { ...(basic._links as Json), ...logLinks },
    parentNodes: node.parents.map((parent) => parent.id),
  };
}

/** StageNodeExt as ChunkVisitor.handleChunkDone makes it; `stageFlowNodes` only when asked for. */
function stageNode(env: AppEnv, build: Build, flow: FlowGraph, chunk: StageChunk, full: boolean): Json {
  const status = chunkStatus(chunk);
  // A skipped stage's nodes did run: it keeps its place in time (RunExt sorts stages by start).
  const timing: Timing = {
    start: chunk.start.startTime,
    duration: flow.durationOf(chunk.start, chunk.end ?? chunk.start),
  };
  // The stage's error is the one on the chunk's last node, its body end.
  const error = status === "NOT_EXECUTED" ? null : (chunk.end?.error ?? null);
  const basic = basicNodeData(env, build, chunk.start, status, timing);
  const atoms = chunk.atoms.slice(0, MAX_CHILD_NODES);
  return {
    ...basic,
    ...(error ? { error: { message: error.message, type: error.type } } : {}),
    ...(full ? { stageFlowNodes: atoms.map((atom) => atomNode(env, build, flow, atom, true)) } : {}),
  };
}

/** RunExt.createNew's stages, sorted by start time then id; the wrapper hides their children. */
export function describeStages(env: AppEnv, build: Build, flow: FlowGraph, full: boolean): Json[] {
  return stageChunks(flow)
    .map((chunk) => ({ chunk, json: stageNode(env, build, flow, chunk, full) }))
    .sort(
      (a, b) =>
        (a.json.startTimeMillis as number) - (b.json.startTimeMillis as number) ||
        Number(a.chunk.start.id) - Number(b.chunk.start.id),
    )
    .map(({ json }) => json);
}

/** Describe.get: a stage's StageNodeExt with its children, an atom's AtomFlowNodeExt, else FlowNodeExt. */
export function describeNode(env: AppEnv, build: Build, flow: FlowGraph, node: FlowNode): Json {
  if (node.isStage) {
    const chunk = stageChunks(flow).find((candidate) => candidate.start === node);
    if (chunk) return stageNode(env, build, flow, chunk, true);
  }
  if (node.kind === "StepAtomNode") return atomNode(env, build, flow, node, false);
  return basicNodeData(env, build, node, nodeStatus(node), nodeTiming(flow, node));
}

/**
 * FlowNodeLogExt.create: the last 10 KiB of the step's log as HTML (AnnotatedLargeText.writeHtmlTo:
 * notes rendered, `&`, `<`, `>` escaped), from a byte offset that may fall inside a line.
 */
export function nodeLog(env: AppEnv, build: Build, node: FlowNode): Json {
  const hasLog = node.log.length > 0;
  const bytes = Buffer.from(node.log.join(""), "utf8");
  const length = Math.min(MAX_RETURN_CHARS, bytes.length);
  const tail = bytes.subarray(bytes.length - length);
  const text = Buffer.concat([...stripNotes([tail], true)]).toString("utf8");
  return {
    nodeId: node.id,
    nodeStatus: nodeStatus(node),
    length,
    hasMore: bytes.length > MAX_RETURN_CHARS,
    ...(length > 0 ? { text: text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;") } : {}),
    consoleUrl: hasLog ? `${nodeUrl(env, build, node)}log` : null,
  };
}

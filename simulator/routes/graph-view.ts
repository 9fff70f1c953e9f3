import type { FlowGraph, FlowNode } from "../flow.js";
import { stripNotes } from "../logs.js";
import type { SimResponse } from "../pages.js";
import type { Build, StageStatus } from "../world.js";
import type { AppEnv, RequestContext } from "./context.js";
import { json, okJson, type RecordedStage, recordedStagesOf } from "./pipeline.js";

/**
 * The Pipeline Graph View plugin's REST endpoints below `{build}/stages/` (PipelineConsoleViewAction,
 * URL_NAME "stages"): `tree` (PipelineGraphApi.createTree), `allSteps` and `steps?nodeId=`
 * (PipelineStepApi), each wrapped by PipelineJsonWriter as `{"status":"ok","data":...}`, and
 * `log?nodeId=` and `exceptionText?nodeId=` (plain text). Only when the simulated Jenkins has the plugin (`pipelineGraphView`).
 */
export function graphViewRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const [method, ...tail] = rest;
  if (tail.length > 0) return env.pages.notFound();
  const view = new GraphView(build, recordedStagesOf(env, build));
  const nodeId = ctx.params.get("nodeId");
  switch (method) {
    case undefined:
      return env.pages.layout(200, build.fullDisplayName, "<h1>Stages</h1>");
    case "tree":
      return okJson({ stages: view.tree(), complete: !build.building }, cacheControl(build));
    case "allSteps":
      return okJson({ steps: view.steps(), runIsComplete: !build.building }, cacheControl(build));
    case "steps":
      if (nodeId === null) return errorJson("Error getting console text");
      return okJson({
        steps: view.steps().filter((step) => step.stageId === nodeId),
        runIsComplete: !build.building,
      });
    case "log":
      return text(nodeId === null ? "Error getting console text\n" : view.log(nodeId));
    case "exceptionText":
      // HttpResponses.text; 400 without a node id.
      if (nodeId === null) return { ...text("missing ?nodeId"), status: 400 };
      return text(view.exceptionText(nodeId));
    default:
      return env.pages.notFound();
  }
}

/** FlowNodeWrapper.NodeType of the nodes the tree shows. */
type StageType = "STAGE" | "PARALLEL" | "PARALLEL_BLOCK";

/** PipelineState, as the plugin writes it (lower case). */
type State = "success" | "failure" | "unstable" | "aborted" | "skipped" | "not_built" | "running" | "paused";

/** A node of the tree: a stage, a parallel branch or a parallel block, with its parent there. */
interface TreeNode {
  readonly node: FlowNode;
  readonly type: StageType;
  parent: TreeNode | null;
  readonly children: TreeNode[];
}

interface StepJson {
  readonly stageId: string;
  readonly [field: string]: unknown;
}

const SYNTHETIC_PREFIX = "Declarative: ";

/** Titles PipelineStepApi.parseSteps drops because the step's arguments say it all. */
const OBVIOUS_TITLES = new Set(["Shell Script", "Print Message"]);

/** ESC [ n m colour codes, as PipelineStepApi.cleanTextContent removes them. */
const ANSI_COLOUR_CODES = /\u001b\[(\d+[;:]?)+m/g;

/** One run seen by the plugin: its stage tree (PipelineNodeTreeScanner + PipelineNodeGraphAdapter). */
class GraphView {
  private readonly flow: FlowGraph | null;
  private readonly stages: StageTree;

  constructor(
    private readonly build: Build,
    /** The stages a run without a flow graph recorded (`Build.stages`), shown as a flat tree. */
    private readonly recorded: readonly RecordedStage[],
  ) {
    this.flow = build.flow;
    this.stages = this.flow ? mergedTree(this.flow) : { kept: [], finalOf: new Map() };
  }

  /** PipelineGraph.stages: the top-level nodes, each with its children. */
  tree(): Record<string, unknown>[] {
    if (!this.flow) return this.recorded.map((recorded) => this.recordedStageJson(recorded));
    return this.stages.kept.filter((tree) => tree.parent === null).map((tree) => this.stageJson(tree));
  }

  /** PipelineStepList.steps: atom steps under the tree node nearest them, by stage id then id. */
  steps(): StepJson[] {
    const flow = this.flow;
    if (!flow) return [];
    return flow
      .all()
      .filter((node) => node.kind === "StepAtomNode")
      .flatMap((node) => {
        const stage = this.treeNodeAround(flow, node);
        return stage ? [stepJson(flow, node, stage.node.id)] : [];
      })
      .sort((a, b) => Number(a.stageId) - Number(b.stageId) || Number(a.id) - Number(b.id));
  }

  /**
   * PipelineConsoleViewAction.getConsoleText: a step's log and its error text; for a stage, those of
   * all its steps; "No logs found" otherwise (an unknown id included: getNode answers null).
   */
  /** PipelineConsoleViewAction.getExceptionText: the node's error text, "" when it has none. */
  exceptionText(nodeId: string): string {
    const node = this.flow?.node(nodeId);
    return (node && exceptionText(node)) ?? "";
  }

  log(nodeId: string): string {
    const node = this.flow?.node(nodeId);
    if (node && (node.log.length > 0 || node.error)) return plainLog(node) + (exceptionText(node) ?? "");
    const texts = this.steps()
      .filter((step) => step.stageId === nodeId)
      .flatMap((step) => {
        const stepNode = this.flow?.node(String(step.id));
        return stepNode ? [plainLog(stepNode), withNewline(exceptionText(stepNode))] : [];
      });
    const joined = texts.join("");
    return joined === "" ? "No logs found\n" : joined;
  }

  /** The tree node nearest around a step: the block's own, or the one it merged into. */
  private treeNodeAround(flow: FlowGraph, node: FlowNode): TreeNode | undefined {
    const finalOf = this.stages.finalOf;
    const block = flow.enclosingBlocks(node).find((candidate) => finalOf.has(candidate));
    return block ? finalOf.get(block) : undefined;
  }

  /** PipelineStageInternal.toPipelineStage, as PipelineJsonWriter writes it (nulls left out). */
  private stageJson(tree: TreeNode): Record<string, unknown> {
    const flow = this.flow;
    const { node } = tree;
    const end = flow?.endOf(node);
    const state = stateOf(node, end);
    return stageFields({
      id: node.id,
      name: displayName(node),
      state,
      type: tree.type,
      children: tree.children.map((child) => this.stageJson(child)),
      synthetic: node.spec.stageTag === "synthetic",
      agent: insideNodeBlock(flow, node),
      url: this.selectUrl(node.id),
      startTimeMillis: node.startTime,
      totalDurationMillis: state === "running" || !flow ? null : flow.durationOf(node, end ?? node),
    });
  }

  private recordedStageJson({ id, stage, startTime }: RecordedStage): Record<string, unknown> {
    const state = RECORDED_STATES[stage.status];
    return stageFields({
      id,
      name: stage.name,
      state,
      type: "STAGE",
      children: [],
      synthetic: false,
      agent: true,
      url: this.selectUrl(id),
      startTimeMillis: startTime,
      totalDurationMillis: state === "running" ? null : stage.durationMs,
    });
  }

  /** PipelineStage.url: built from Run.getUrl, which has no context path. */
  private selectUrl(id: string): string {
    return `/${this.build.url}stages/?selected-node=${id}`;
  }
}

interface StageFields {
  readonly id: string;
  readonly name: string;
  readonly state: State;
  readonly type: StageType;
  readonly children: readonly Record<string, unknown>[];
  readonly synthetic: boolean;
  /** It runs inside a `node` block: its agent is the built-in node. */
  readonly agent: boolean;
  readonly url: string;
  readonly startTimeMillis: number;
  /** Null while it runs (getTotalDurationMillis). */
  readonly totalDurationMillis: number | null;
}

/** PipelineStage as PipelineJsonWriter writes it: null fields (seqContainerName, nextSibling) left out. */
function stageFields(fields: StageFields): Record<string, unknown> {
  const { agent, totalDurationMillis, ...rest } = fields;
  return {
    ...rest,
    title: fields.name,
    pauseDurationMillis: 0,
    isSequential: false,
    placeholder: false,
    ...(agent ? { agent: "built-in" } : {}),
    ...(totalDurationMillis === null ? {} : { totalDurationMillis }),
  };
}

/** PipelineState for the StatusExt a run without a graph recorded. */
const RECORDED_STATES: Readonly<Record<StageStatus, State>> = {
  SUCCESS: "success",
  FAILED: "failure",
  UNSTABLE: "unstable",
  ABORTED: "aborted",
  IN_PROGRESS: "running",
  PAUSED_PENDING_INPUT: "paused",
  NOT_EXECUTED: "not_built",
};

/** Stages, parallel blocks and parallel branches, each under the nearest of them around it. */
function treeNodes(flow: FlowGraph): TreeNode[] {
  const byNode = new Map<FlowNode, TreeNode>();
  for (const node of flow.all()) {
    const type = typeOf(node);
    if (!type) continue;
    const around = flow.enclosingBlocks(node).find((block) => byNode.has(block));
    const parent = around ? (byNode.get(around) ?? null) : null;
    const tree: TreeNode = { node, type, parent, children: [] };
    parent?.children.push(tree);
    byNode.set(node, tree);
  }
  return [...byNode.values()];
}

/** The tree nodes left after merging, and for every flow node of the tree the node it ended in. */
interface StageTree {
  readonly kept: readonly TreeNode[];
  readonly finalOf: ReadonlyMap<FlowNode, TreeNode>;
}

/**
 * The tree after PipelineNodeGraphAdapter's remapping: a parallel block that is a stage's only child
 * gives its branches to the stage, and a stage that is the only child of a branch of the same name
 * gives its children to the branch. Steps of a merged node belong to the node it merged into.
 */
function mergedTree(flow: FlowGraph): StageTree {
  const all = treeNodes(flow);
  const merged = new Set<TreeNode>();
  for (const tree of [...all].reverse()) {
    const parent = tree.parent;
    if (parent?.children.length !== 1 || !mergesInto(tree, parent)) continue;
    parent.children.splice(0, 1, ...tree.children);
    for (const child of tree.children) child.parent = parent;
    merged.add(tree);
  }
  const finalOf = new Map<FlowNode, TreeNode>();
  for (const tree of all) {
    let target: TreeNode | null = tree;
    while (target && merged.has(target)) target = target.parent;
    if (target) finalOf.set(tree.node, target);
  }
  return { kept: all.filter((tree) => !merged.has(tree)), finalOf };
}

function mergesInto(tree: TreeNode, parent: TreeNode): boolean {
  if (tree.type === "PARALLEL_BLOCK") return parent.type === "STAGE";
  return parent.type === "PARALLEL" && displayName(tree.node) === displayName(parent.node);
}

function typeOf(node: FlowNode): StageType | null {
  if (node.isBranch) return "PARALLEL";
  if (node.isStage) return "STAGE";
  return node.isParallel ? "PARALLEL_BLOCK" : null;
}

/** PipelineNodeUtil.getDisplayName: a branch's thread name; synthetic stages lose "Declarative: ". */
function displayName(node: FlowNode): string {
  if (node.isParallel) return "Parallel";
  const name = node.spec.threadName ?? node.displayName;
  const synthetic = node.spec.stageTag === "synthetic" && name.startsWith(SYNTHETIC_PREFIX);
  return synthetic ? name.slice(SYNTHETIC_PREFIX.length) : name;
}

/** NodeRunStatus as PipelineState: Declarative's skipped tag, the error that left the block, or none. */
function stateOf(node: FlowNode, end: FlowNode | undefined): State {
  if (node.spec.stageTag === "skippedForFailure") return "skipped";
  if (!end) return "running";
  return end.error ? "failure" : "success";
}

/** PipelineGraphApi.getStageNode: the workspace of the `node` block around it. */
function insideNodeBlock(flow: FlowGraph | null, node: FlowNode): boolean {
  return flow?.enclosingBlocks(node).some((block) => block.spec.functionName === "node") ?? false;
}

/** PipelineStepApi.parseSteps: the arguments as the name, the step's display name as the title. */
function stepJson(flow: FlowGraph, node: FlowNode, stageId: string): StepJson {
  const args = node.spec.arguments?.replace(ANSI_COLOUR_CODES, "").trim() ?? "";
  const title = args === "" || OBVIOUS_TITLES.has(node.displayName) ? "" : node.displayName;
  return {
    name: args === "" ? node.displayName : args,
    state: node.error ? "failure" : "success",
    type: "STEP",
    title,
    id: node.id,
    pauseDurationMillis: 0,
    stageId,
    flags: {},
    startTimeMillis: node.startTime,
    totalDurationMillis: flow.durationOf(node),
  };
}

/** AnnotatedLargeText.writeLogTo: the node's log with console notes removed. */
function plainLog(node: FlowNode): string {
  return Buffer.concat([...stripNotes([Buffer.from(node.log.join(""), "utf8")], true)]).toString("utf8");
}

/** PipelineNodeUtil.getExceptionText: only the message of an AbortException or an interruption. */
function exceptionText(node: FlowNode): string | null {
  const error = node.error;
  if (!error) return null;
  const failure = ["hudson.AbortException", "org.jenkinsci.plugins.workflow.steps.FlowInterruptedException"];
  return failure.includes(error.type)
    ? error.message
    : `Found unhandled ${error.type} exception:\n${error.message}\n\t`;
}

function withNewline(text: string | null): string {
  if (text === null) return "";
  return text.endsWith("\n") ? text : `${text}\n`;
}

/** PipelineConsoleViewAction.setCache: a finished run's answers never change. */
function cacheControl(build: Build): Record<string, string> {
  return { "Cache-Control": build.building ? "private, no-store" : "private, immutable, max-age=86400" };
}

/** HttpResponses.errorJSON. */
function errorJson(message: string): SimResponse {
  return json({ status: "error", message });
}

function text(body: string): SimResponse {
  return { status: 200, headers: { "Content-Type": "text/plain;charset=UTF-8" }, body };
}

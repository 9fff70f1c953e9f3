import { JenkinsError, type NotFound, unlessNotFound } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import {
  type BuildLogRequest,
  type LogPage,
  type LogPageRequest,
  type LogReader,
  type LogTarget,
  logTarget,
  pageSize,
} from "./logs.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/**
 * A pipeline run's stages, parallel branches and steps, from the Pipeline Graph View plugin when
 * it is installed (a tree, branches and nested stages included), else from the Pipeline Stage View
 * plugin (flat stages with their steps). Each step's own log is workflow-support's, read like a
 * build's console. Shapes as the plugins' sources write them; simulator/README.md names the classes.
 */

/** StatusExt of the Pipeline Stage View plugin (`wfapi`). */
export type StageStatus =
  | "SUCCESS"
  | "FAILED"
  | "UNSTABLE"
  | "ABORTED"
  | "IN_PROGRESS"
  | "PAUSED_PENDING_INPUT"
  | "NOT_EXECUTED";

const STAGE_STATUSES = new Set<string>([
  "SUCCESS",
  "FAILED",
  "UNSTABLE",
  "ABORTED",
  "IN_PROGRESS",
  "PAUSED_PENDING_INPUT",
  "NOT_EXECUTED",
]);

function stageStatus(status: string | undefined): StageStatus {
  return (STAGE_STATUSES.has(status ?? "") ? status : "NOT_EXECUTED") as StageStatus;
}

export interface FlowStep {
  id: string;
  /** What a person recognises: `Shell Script: make test`, `Print Message: done`. */
  label: string;
  status: StageStatus;
  /** The step's error message (an AbortException's `script returned exit code 1`), or null. */
  error: string | null;
}

export interface FlowStage {
  id: string;
  name: string;
  /** A `parallel` branch rather than a stage. */
  branch: boolean;
  status: StageStatus;
  error: string | null;
  /**
   * Nested stages (the graph view only: the stage view lists them flat) and parallel branches (the
   * stage view: those of a stage that did not succeed, named with one request each).
   */
  children: FlowStage[];
  /** Steps run directly in this stage or branch. */
  steps: FlowStep[];
}

export interface PipelineGraph {
  source: "graphView" | "stageView";
  stages: FlowStage[];
  /** The stage view lists at most 100 steps per stage: some stages' steps were cut. */
  stepsCut: boolean;
}

/** PipelineState of the graph view (lowercase), in the stage view's StatusExt words. */
const GRAPH_STATES: Readonly<Record<string, StageStatus>> = {
  success: "SUCCESS",
  finished: "SUCCESS",
  failure: "FAILED",
  unstable: "UNSTABLE",
  aborted: "ABORTED",
  running: "IN_PROGRESS",
  queued: "IN_PROGRESS",
  paused: "PAUSED_PENDING_INPUT",
};

/**
 * The graph view's URL moved: `pipeline-graph` (until 483.x), `pipeline-console`, `pipeline-overview`
 * (520.x), `stages` (777.x, current). Newest first: the first that answers is remembered.
 */
const GRAPH_VIEW_URLS = ["stages", "pipeline-overview", "pipeline-console", "pipeline-graph"] as const;
/** Branch start nodes are named `Branch: <name>` (workflow-cps ParallelLabelAction). */
const BRANCH_LABEL = /^Branch: /;
/** Branch names looked up per stage of the stage view: one request each. */
const BRANCH_LOOKUPS = 8;

interface RawGraphNode {
  id: string;
  name?: string;
  state?: string;
  type?: string;
  children?: RawGraphNode[];
}

interface RawGraphStep {
  id: string;
  name?: string;
  title?: string;
  state?: string;
  stageId?: string;
}

interface RawFlowNode {
  id: string;
  name?: string;
  status?: string;
  error?: { message?: string } | null;
  parameterDescription?: string;
  parentNodes?: string[];
}

interface RawStage extends RawFlowNode {
  stageFlowNodes?: RawFlowNode[];
}

/** The stage view lists this many steps per stage at most (StageNodeExt.MAX_CHILD_NODES). */
const STAGE_VIEW_STEPS = 100;

export class FlowReader {
  /** The graph view's URL on this Jenkins: unknown until a pipeline is read, null when not installed. */
  private graphView: string | null | undefined;

  constructor(private readonly http: JenkinsHttp) {}

  async graph(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PipelineGraph> {
    const request = { base: `${jobUrlPath(path)}${build}/`, what: describeBuild(path, build), signal };
    if (this.graphView !== null) {
      const fromGraphView = await this.fromGraphView(request);
      if (fromGraphView) return fromGraphView;
    }
    const fromStageView = await this.fromStageView(request);
    // The run is a pipeline the stage view knows: the graph view is not installed.
    this.graphView ??= null;
    return fromStageView;
  }

  private async fromGraphView(request: GraphRequest): Promise<PipelineGraph | undefined> {
    for (const url of this.graphView ? [this.graphView] : GRAPH_VIEW_URLS) {
      const tree = await this.envelope<{ stages?: RawGraphNode[] }>(request, `${url}/tree`);
      if (tree === undefined) continue;
      const steps = (await this.envelope<{ steps?: RawGraphStep[] }>(request, `${url}/allSteps`)) ?? {};
      this.graphView = url;
      const stages = (tree.stages ?? []).map((node) => toGraphStage(node, steps.steps ?? []));
      await this.addGraphErrors(request, url, stages);
      return { source: "graphView", stages, stepsCut: false };
    }
    return undefined;
  }

  /** The graph view's steps carry no error message: its `exceptionText` does, for the failed ones. */
  private async addGraphErrors(request: GraphRequest, url: string, stages: FlowStage[]): Promise<void> {
    const failed = allSteps(stages)
      .filter((step) => step.status === "FAILED")
      .slice(0, BRANCH_LOOKUPS);
    await Promise.all(
      failed.map(async (step) => {
        const response = await this.optional(request, `${url}/exceptionText`, { nodeId: step.id }, false);
        const text = response ? (await response.body.text()).trim() : "";
        step.error = text === "" ? null : (text.split("\n")[0] ?? null);
      }),
    );
  }

  private async fromStageView(request: GraphRequest): Promise<PipelineGraph> {
    const run = await this.http.json<{ stages?: RawStage[] }>({
      path: `${request.base}wfapi/describe`,
      query: { fullStages: true },
      action: `reading the stages of ${request.what}`,
      notFound: notAPipeline(request.what),
      requireJenkinsHeader: false,
      signal: request.signal,
    });
    const raw = run.stages ?? [];
    const stages = await Promise.all(raw.map((stage) => this.stageViewStage(request, stage)));
    return {
      source: "stageView",
      stages,
      stepsCut: raw.some((stage) => (stage.stageFlowNodes?.length ?? 0) >= STAGE_VIEW_STEPS),
    };
  }

  /**
   * One stage view stage. A `parallel` inside it is one stage whose steps are all the branches'
   * steps, told apart only by their parents: a branch's first step follows the branch's start
   * node (`Branch: unit`), which the list leaves out. The failed steps' branches are looked up.
   */
  private async stageViewStage(request: GraphRequest, raw: RawStage): Promise<FlowStage> {
    const nodes = raw.stageFlowNodes ?? [];
    const steps = nodes.map(toStageViewStep);
    const stage: FlowStage = { ...stageFields(raw), branch: false, children: [], steps: [] };
    const entries = entryParents(nodes);
    const branchNames = new Map<string, string | null>();
    // A stage that succeeded needs no branch told apart; blocks of failed steps are looked up first.
    const lookups = stage.status === "SUCCESS" ? [] : blocksToName(steps, entries, raw.id);
    await Promise.all(
      lookups.map(async (entry) => branchNames.set(entry, await this.branchName(request, entry))),
    );
    for (const step of steps) {
      const branch = branchNames.get(entries.get(step.id) ?? "");
      if (branch) childBranch(stage, branch, step.status).steps.push(step);
      else stage.steps.push(step);
    }
    return stage;
  }

  private async branchName(request: GraphRequest, nodeId: string): Promise<string | null> {
    const response = await this.optional(request, `execution/node/${nodeId}/wfapi/describe`, {}, false);
    if (!response) return null;
    const node = (await response.body.json()) as RawFlowNode;
    return node.name && BRANCH_LABEL.test(node.name) ? node.name.replace(BRANCH_LABEL, "") : null;
  }

  private async envelope<T>(request: GraphRequest, url: string): Promise<T | undefined> {
    const response = await this.optional(request, url, {}, false);
    if (!response) return undefined;
    const body = (await response.body.json()) as { status?: string; data?: T };
    if (body.status !== "ok" || body.data === undefined) {
      throw new JenkinsError("notJenkins", `The Pipeline Graph View plugin answered ${url} without data.`);
    }
    return body.data;
  }

  /** A GET that may find nothing (404): a plugin that is not installed, a node without output. */
  private async optional(
    request: GraphRequest,
    url: string,
    query: Record<string, string>,
    jenkinsHeader: boolean,
  ) {
    try {
      return await this.http.send({
        path: `${request.base}${url}`,
        query,
        action: `reading the stages of ${request.what}`,
        notFound: notAPipeline(request.what),
        requireJenkinsHeader: jenkinsHeader,
        signal: request.signal,
      });
    } catch (error) {
      if (error instanceof JenkinsError && error.kind === "notFound") return undefined;
      throw error;
    }
  }
}

interface GraphRequest {
  /** The run's relative URL, ending in `/`. */
  base: string;
  what: string;
  signal: AbortSignal | undefined;
}

/**
 * Where one step's own log is read: workflow-support's LogStorageAction (`log`), whose `logText`
 * answers progressiveText as a build's console does, offsets counted in the step's own log.
 */
function stepLogTarget(request: StepLogRequest): LogTarget {
  const run = logTarget(request);
  return {
    ...run,
    buildPath: `${run.buildPath}execution/node/${encodeURIComponent(request.stepId)}/log/`,
    action: `reading the log of step ${request.stepId} of ${describeBuild(request.path, request.build)}`,
  };
}

function allSteps(stages: readonly FlowStage[]): FlowStep[] {
  return stages.flatMap((stage) => [...stage.steps, ...allSteps(stage.children)]);
}

function isFailed(step: FlowStep): boolean {
  return step.status === "FAILED";
}

function notAPipeline(what: string): NotFound {
  return {
    sentence: `${what} has no pipeline stages: it is not a pipeline build (or the build, or the Pipeline Stage View plugin, is missing)`,
  };
}

function stageFields(raw: RawFlowNode): Pick<FlowStage, "id" | "name" | "status" | "error"> {
  return {
    id: raw.id,
    name: raw.name ?? "",
    status: stageStatus(raw.status),
    error: raw.error?.message ?? null,
  };
}

function toStageViewStep(raw: RawFlowNode): FlowStep {
  const name = raw.name ?? "";
  return {
    id: raw.id,
    label: raw.parameterDescription ? `${name}: ${raw.parameterDescription}` : name,
    status: stageStatus(raw.status),
    error: raw.error?.message ?? null,
  };
}

/** For each step, the node its run of consecutive steps follows: the block it runs in. */
function entryParents(nodes: readonly RawFlowNode[]): Map<string, string> {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const entries = new Map<string, string>();
  const entryOf = (node: RawFlowNode, depth: number): string => {
    const known = entries.get(node.id);
    if (known !== undefined) return known;
    const parent = node.parentNodes?.[0] ?? "";
    const inside = byId.get(parent);
    const entry = inside && depth < nodes.length ? entryOf(inside, depth + 1) : parent;
    entries.set(node.id, entry);
    return entry;
  };
  for (const node of nodes) entryOf(node, 0);
  return entries;
}

/** The blocks (other than the stage's own body) that the steps run in, those of failed steps first. */
function blocksToName(steps: readonly FlowStep[], entries: Map<string, string>, stageId: string): string[] {
  const ordered = [...steps.filter(isFailed), ...steps].map((step) => entries.get(step.id));
  const blocks = new Set(
    ordered.filter((entry): entry is string => entry !== undefined && entry !== stageId),
  );
  return [...blocks].slice(0, BRANCH_LOOKUPS);
}

function childBranch(stage: FlowStage, name: string, status: StageStatus): FlowStage {
  const known = stage.children.find((child) => child.name === name);
  if (known) {
    if (status === "FAILED") known.status = "FAILED";
    return known;
  }
  const branch: FlowStage = { id: "", name, branch: true, status, error: null, children: [], steps: [] };
  stage.children.push(branch);
  return branch;
}

function toGraphStage(node: RawGraphNode, steps: readonly RawGraphStep[]): FlowStage {
  return {
    id: node.id,
    name: node.name ?? "",
    branch: node.type === "PARALLEL",
    status: GRAPH_STATES[node.state ?? ""] ?? "NOT_EXECUTED",
    error: null,
    children: (node.children ?? []).map((child) => toGraphStage(child, steps)),
    steps: steps.filter((step) => step.stageId === node.id).map(toGraphStep),
  };
}

/** The graph view names a step by its arguments (`make test`), and by its kind in `title` unless blank. */
function toGraphStep(raw: RawGraphStep): FlowStep {
  const name = raw.name ?? "";
  return {
    id: raw.id,
    label: raw.title ? `${raw.title}: ${name}` : name,
    status: GRAPH_STATES[raw.state ?? ""] ?? "NOT_EXECUTED",
    error: null,
  };
}

export interface StepLogRequest extends BuildLogRequest {
  stepId: string;
}

/**
 * Streams one step's log to `consume` (see LogReader.scan). A node gets its log only when it
 * prints (LogStorageAction.listenerFor): one that printed nothing answers 404.
 */
export async function scanStepLog(
  logs: LogReader,
  request: StepLogRequest,
  consume: (lines: string[]) => boolean,
): Promise<boolean> {
  return (await unlessNotFound(logs.scan(stepLogTarget(request), true, consume))) ?? true;
}

/** A page of one step's log: its last lines, or from line `skip`; null when the step printed nothing. */
export function stepLogPage(
  logs: LogReader,
  request: StepLogRequest & LogPageRequest & { skip?: number | undefined },
): Promise<LogPage | null> {
  const target = stepLogTarget(request);
  const size = pageSize(request);
  return unlessNotFound(
    request.skip === undefined
      ? logs.tail(target, size)
      : logs.forward(target, { offset: 0, skipLines: request.skip }, size),
  );
}

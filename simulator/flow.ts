/**
 * The flow graph of a Pipeline run, as workflow-api and workflow-cps record it: one FlowNode per
 * step start, step body start, atom step and block end, ids allocated from CpsFlowExecution's iota
 * (FlowStartNode is "2"), each with its actions (LabelAction, ThreadNameAction, ArgumentsAction,
 * ErrorAction, TimingAction, TagsAction) and its own log (LogStorage.stepLog: only what that step
 * printed through its TaskListener). PipelineConsole (pipeline-console.ts) builds it while it prints.
 */

export type FlowNodeClass =
  | "FlowStartNode"
  | "StepStartNode"
  | "StepAtomNode"
  | "StepEndNode"
  | "FlowEndNode";

/** ErrorAction: the Throwable's message and class name, as ErrorExt exports them. */
export interface FlowError {
  readonly message: string;
  readonly type: string;
}

/** What a new node is made of; the graph adds its id, parents and start time. */
export interface FlowNodeSpec {
  readonly kind: FlowNodeClass;
  /** The step's function name (`sh`, `stage`), null for the flow's start and end. */
  readonly functionName: string | null;
  /** StepDescriptor.getDisplayName (`Shell Script`), or the start/end node's name. */
  readonly stepName: string;
  /** BodyInvocationAction: the node starts or ends a step's body (`{` / `}`). */
  readonly body?: boolean;
  /** LabelAction: a stage's name, or `Branch: unit` on a parallel branch. */
  readonly label?: string;
  /** ThreadNameAction: the parallel branch's name. */
  readonly threadName?: string;
  /** ArgumentsAction.getStepArgumentsAsString. */
  readonly arguments?: string;
  readonly error?: FlowError | null;
  /** BlockEndNode.getStartNode. */
  readonly start?: FlowNode;
  /** The innermost BlockStartNode around the node (FlowNode.getEnclosingId). */
  readonly enclosing: FlowNode | null;
  /** Declarative's TagsAction on a stage: synthetic stages and stages skipped after a failure. */
  readonly stageTag?: "synthetic" | "skippedForFailure";
}

export class FlowNode {
  /** The node's own log lines (each ends with LF), as the raw log file holds them. */
  readonly log: string[] = [];

  constructor(
    readonly id: string,
    readonly spec: FlowNodeSpec,
    readonly parents: readonly FlowNode[],
    /** TimingAction.getStartTime. */
    readonly startTime: number,
  ) {}

  get kind(): FlowNodeClass {
    return this.spec.kind;
  }

  get error(): FlowError | null {
    return this.spec.error ?? null;
  }

  get enclosing(): FlowNode | null {
    return this.spec.enclosing;
  }

  /** FlowNode.getDisplayName: the label, else the type's display name. */
  get displayName(): string {
    return this.spec.label ?? this.typeDisplayName();
  }

  /** FlowNode.getDisplayFunctionName, as NewNodeConsoleNote prints it after `[Pipeline] `. */
  get displayFunctionName(): string {
    const functionName = this.typeFunctionName();
    if (functionName === null) return this.displayName;
    return this.spec.label === undefined ? functionName : `${functionName} (${this.spec.label})`;
  }

  /** A stage's body start (StageChunkFinder: a LabelAction without ThreadNameAction). */
  get isStage(): boolean {
    return this.spec.label !== undefined && this.spec.threadName === undefined;
  }

  /** A parallel branch's body start (ParallelStep's ThreadNameAction). */
  get isBranch(): boolean {
    return this.spec.threadName !== undefined;
  }

  /** The non-body start of `parallel`. */
  get isParallel(): boolean {
    return this.kind === "StepStartNode" && this.spec.functionName === "parallel" && !this.spec.body;
  }

  private typeDisplayName(): string {
    const { kind, stepName, body, start } = this.spec;
    if (kind === "StepStartNode") return `${stepName}${body ? " : Body" : ""} : Start`;
    if (kind === "StepEndNode" && start)
      return `${start.spec.stepName}${start.spec.body ? " : Body" : ""} : End`;
    return stepName;
  }

  /** StepStartNode / StepEndNode / StepAtomNode.getTypeFunctionName. */
  private typeFunctionName(): string | null {
    const { kind, functionName, body, start } = this.spec;
    if (kind === "StepStartNode") return body ? "{" : functionName;
    if (kind === "StepEndNode") return start?.spec.body ? "}" : `// ${start?.spec.functionName}`;
    return kind === "StepAtomNode" ? functionName : null;
  }
}

/** The nodes of one run, in the order CpsFlowExecution created them. */
export class FlowGraph {
  private readonly nodes: FlowNode[] = [];
  /** CpsFlowExecution.iota: FlowStartNode gets "2". */
  private nextId = 2;

  add(spec: FlowNodeSpec, parents: readonly FlowNode[], startTime: number): FlowNode {
    const node = new FlowNode(String(this.nextId++), spec, parents, startTime);
    this.nodes.push(node);
    return node;
  }

  all(): readonly FlowNode[] {
    return this.nodes;
  }

  node(id: string): FlowNode | undefined {
    return this.nodes.find((node) => node.id === id);
  }

  /** FlowNodeUtil.getNodeAfter: the node whose parents include `node`. */
  after(node: FlowNode): FlowNode | undefined {
    return this.nodes.find((candidate) => candidate.parents.includes(node));
  }

  /** The end node of a block start. */
  endOf(start: FlowNode): FlowNode | undefined {
    return this.nodes.find((candidate) => candidate.spec.start === start);
  }

  /** Block starts around `node`, innermost first (FlowNode.getAllEnclosingIds). */
  enclosingBlocks(node: FlowNode): FlowNode[] {
    const blocks: FlowNode[] = [];
    for (let block = node.enclosing; block; block = block.enclosing) blocks.push(block);
    return blocks;
  }

  /** StatusAndTiming.computeChunkTiming: from the first node to the node after the last one. */
  durationOf(first: FlowNode, last: FlowNode = first): number {
    const next = this.after(last);
    return (next ?? last).startTime - first.startTime;
  }
}

import { type FlowError, FlowGraph, type FlowNode, type FlowNodeSpec } from "./flow.js";
import { consoleNote } from "./logs.js";
import type { Build, Result } from "./world.js";

/**
 * A Pipeline build's console and its flow graph, written together so they always agree. Every line
 * carries Timestamper's GlobalDecorator prefix `[yyyy-MM-dd'T'HH:mm:ss.SSS'Z'] `; each new flow node
 * prints `[Pipeline] ` and its display function name with its hidden note (NewNodeConsoleNote) to
 * the run's log, and a step's output also goes to that step's own log (LogStorage.nodeListener).
 *
 * The program is recorded first (`step`, `stage`, `parallel`, ...) and played afterwards, so that
 * parallel branches can be interleaved line by line, as concurrent branches write to one log.
 */

/** A block whose end nodes carry the first error raised inside it, as the exception unwinds. */
interface OpenBlock {
  readonly start: FlowNode;
  error: FlowError | null;
}

/** Where one CPS thread stands: its heads, its open blocks, and the step whose listener prints. */
class Lane {
  heads: FlowNode[] = [];
  blocks: OpenBlock[] = [];
  /** Null: lines go to the run's own listener only. */
  printer: FlowNode | null = null;
}

/** One console line or node of a lane, played when the interleaving reaches it. */
type Turn = () => void;

/** A parallel branch's program, recorded for its own lane. */
interface RecordedBranch {
  readonly name: string;
  readonly lane: Lane;
  readonly turns: readonly Turn[];
}

export interface StepOptions {
  /** ArgumentsAction.getStepArgumentsAsString (the script of `sh`, the name of `stage`). */
  readonly args?: string;
  /** The step failed with this error. */
  readonly error?: FlowError;
}

export interface BlockOptions {
  readonly args?: string;
  /** What the block step itself prints before its body (`node`'s "Running on ..."). */
  readonly output?: readonly string[];
}

export interface RecordedPipeline {
  readonly console: string;
  readonly flow: FlowGraph;
  readonly result: Result;
  /** From the build's start to its last line. */
  readonly durationMs: number;
}

/** StepDescriptor.getDisplayName of the steps the seeded pipelines use. */
const STEP_DISPLAY_NAMES: Readonly<Record<string, string>> = {
  archiveArtifacts: "Archive the artifacts",
  checkout: "Check out from version control",
  echo: "Print Message",
  emailext: "Extended Email",
  junit: "Archive JUnit-formatted test results",
  node: "Allocate node",
  parallel: "Execute in parallel",
  sh: "Shell Script",
  stage: "Stage",
  withEnv: "Set environment variables",
};

/** Time a new flow node takes to appear, and the default gap between printed lines. */
const NODE_MS = 12;

/** Declarative names its own stages with this prefix (SyntheticStageNames) and tags them synthetic. */
const SYNTHETIC_PREFIX = "Declarative: ";

export class PipelineConsole {
  readonly flow = new FlowGraph();
  private readonly lines: string[] = [];
  private at: number;
  private lane = new Lane();
  private turns: Turn[] = [];

  constructor(private readonly build: Build) {
    this.at = build.timestamp;
  }

  /** Writes `lines`, `everyMs` apart, to the run's log and to the printing step's log. */
  print(lines: string | readonly string[], everyMs = NODE_MS): void {
    const lane = this.lane;
    for (const line of typeof lines === "string" ? [lines] : lines) {
      this.turns.push(() => this.write(line, everyMs, lane.printer));
    }
  }

  /** An atom step (StepAtomNode): `[Pipeline] sh`; what is printed next is its output. */
  step(name: string, options: StepOptions = {}): void {
    const lane = this.lane;
    this.turns.push(() => {
      const error = options.error ? { error: options.error } : {};
      const node = this.addNode(lane, { kind: "StepAtomNode", ...stepSpec(name, options.args), ...error });
      if (options.error) this.fail(lane, options.error);
      lane.printer = node;
    });
  }

  /** A block step (`node`, `withEnv`, ...): `[Pipeline] name`, `{`, the body, `}`, `// name`. */
  block(name: string, body: () => void, options: BlockOptions = {}): void {
    this.blockWithBody(name, {}, body, options);
  }

  /** A stage; one whose `skipped` is set only says so, as Declarative does after a failure. */
  stage(name: string, body: () => void, options: { readonly skipped?: boolean } = {}): void {
    const tag = stageTagOf(name, options.skipped ?? false);
    const bodySpec: Partial<FlowNodeSpec> = { label: name, ...(tag ? { stageTag: tag } : {}) };
    this.blockWithBody("stage", bodySpec, options.skipped ? () => this.skipped(name) : body, { args: name });
  }

  /**
   * ParallelStep: `[Pipeline] parallel`, a body start per branch (`{ (Branch: name)`), the
   * branches' lines interleaved, each branch's `}`, then `// parallel`. Lines carry no branch prefix:
   * since JEP-210 (workflow-job 2.26) the prefix is gone from the log text.
   */
  parallel(branches: Readonly<Record<string, () => void>>): void {
    const lane = this.lane;
    const recorded = Object.entries(branches).map(([name, body]) => {
      const branchLane = new Lane();
      return { name, lane: branchLane, turns: this.recordIn(branchLane, body) };
    });
    this.turns.push(() => this.playParallel(lane, recorded));
  }

  /** WorkflowRun: who started it, FlowStartNode, the program, FlowEndNode and the result. */
  run(program: () => void): RecordedPipeline {
    const root = this.lane;
    const job = this.build.job;
    for (const cause of this.build.causes) {
      this.print(`Started by user ${consoleNote(`${job.fullName}:${cause.userId}`)}${cause.userName}`);
    }
    this.turns.push(() => this.startFlow(root));
    program();
    for (const turn of this.turns) turn();
    const result = this.endFlow(root);
    return {
      console: this.lines.join(""),
      flow: this.flow,
      result,
      durationMs: this.at - this.build.timestamp,
    };
  }

  private blockWithBody(
    name: string,
    bodySpec: Partial<FlowNodeSpec>,
    body: () => void,
    options: BlockOptions,
  ): void {
    const lane = this.lane;
    this.turns.push(() => {
      this.open(lane, { kind: "StepStartNode", ...stepSpec(name, options.args) });
    });
    if (options.output) this.print(options.output);
    this.turns.push(() => {
      this.open(lane, { kind: "StepStartNode", ...stepSpec(name), body: true, ...bodySpec });
    });
    body();
    this.turns.push(() => {
      this.close(lane);
      this.close(lane);
    });
  }

  /** Declarative's skipped stage: the message goes to the run's listener (Utils.logToTaskListener). */
  private skipped(name: string): void {
    this.print(`Stage "${name}" skipped due to earlier failure(s)`);
  }

  private recordIn(lane: Lane, body: () => void): Turn[] {
    const [outerLane, outerTurns] = [this.lane, this.turns];
    this.lane = lane;
    this.turns = [];
    body();
    const recorded = this.turns;
    [this.lane, this.turns] = [outerLane, outerTurns];
    return recorded;
  }

  /** Each branch is a CPS thread of its own: it starts inside every block open around the `parallel`. */
  private playParallel(lane: Lane, branches: readonly RecordedBranch[]): void {
    const spec = { kind: "StepStartNode", ...stepSpec("parallel") } as const;
    const parallel = this.open(lane, spec);
    for (const branch of branches) {
      branch.lane.blocks = [...lane.blocks];
      branch.lane.heads = [parallel];
      // ParallelStepExecution's ParallelLabelAction: a label and a thread name on the branch's body.
      this.open(branch.lane, {
        ...spec,
        body: true,
        label: `Branch: ${branch.name}`,
        threadName: branch.name,
      });
    }
    const queues = branches.map((branch) => [
      ...branch.turns,
      () => this.endBranch(branch.name, branch.lane, parallel),
    ]);
    while (queues.some((queue) => queue.length > 0)) {
      for (const queue of queues) queue.shift()?.();
    }
    lane.heads = branches.flatMap((branch) => branch.lane.heads);
    this.close(lane);
  }

  /** The branch's `}`; ParallelStep then reports a failed branch on the parallel step's listener. */
  private endBranch(name: string, lane: Lane, parallel: FlowNode): void {
    const end = this.close(lane);
    if (end.error) this.write(`Failed in branch ${name}`, NODE_MS, parallel);
  }

  private startFlow(lane: Lane): void {
    lane.heads = [];
    this.open(lane, { kind: "FlowStartNode", functionName: null, stepName: "Start of Pipeline" });
    lane.printer = null;
  }

  /** FlowEndNode, then WorkflowRun.finish: the cause of failure and the result. */
  private endFlow(lane: Lane): Result {
    const end = this.close(lane, { functionName: null, stepName: "End of Pipeline", kind: "FlowEndNode" });
    const result: Result = end.error ? "FAILURE" : "SUCCESS";
    if (end.error) this.write(`ERROR: ${end.error.message}`, NODE_MS, null);
    this.write(`Finished: ${result}`, NODE_MS, null);
    return result;
  }

  /** A block start: later nodes of the lane are inside it until `close`. */
  private open(lane: Lane, spec: Omit<FlowNodeSpec, "enclosing">): FlowNode {
    const start = this.addNode(lane, spec);
    lane.blocks.push({ start, error: null });
    lane.printer = spec.body ? null : start;
    return start;
  }

  /** The end of the innermost open block, carrying the error that left it. */
  private close(lane: Lane, spec?: Omit<FlowNodeSpec, "enclosing">): FlowNode {
    const block = lane.blocks.pop();
    if (!block) throw new Error("PipelineConsole: no open block to close");
    const { functionName, stepName } = block.start.spec;
    const end = this.addNode(lane, {
      ...(spec ?? { kind: "StepEndNode", functionName, stepName }),
      start: block.start,
      error: block.error,
    });
    lane.printer = null;
    return end;
  }

  private fail(lane: Lane, error: FlowError): void {
    for (const block of lane.blocks) block.error ??= error;
  }

  /** A new head of the lane; NewNodeConsoleNote prints it to the run's log only. */
  private addNode(lane: Lane, spec: Omit<FlowNodeSpec, "enclosing">): FlowNode {
    this.at += NODE_MS;
    const enclosing = lane.blocks.at(-1)?.start ?? null;
    const node = this.flow.add({ ...spec, enclosing }, lane.heads, this.at);
    lane.heads = [node];
    const note = consoleNote(`${this.build.job.fullName}#${this.build.number}:${node.id}`);
    this.lines.push(this.timestamped(`${note}[Pipeline] ${node.displayFunctionName}`));
    return node;
  }

  private write(text: string, everyMs: number, printer: FlowNode | null): void {
    this.at += everyMs;
    const line = this.timestamped(text);
    this.lines.push(line);
    printer?.log.push(line);
  }

  private timestamped(text: string): string {
    return `[${new Date(this.at).toISOString()}] ${text}\n`;
  }
}

function stepSpec(
  functionName: string,
  args?: string,
): Pick<FlowNodeSpec, "functionName" | "stepName" | "arguments"> {
  const stepName = STEP_DISPLAY_NAMES[functionName] ?? functionName;
  return { functionName, stepName, ...(args === undefined ? {} : { arguments: args }) };
}

/** Declarative's TagsAction on a stage it skipped, or on one of its own (synthetic) stages. */
function stageTagOf(name: string, skipped: boolean): FlowNodeSpec["stageTag"] {
  if (skipped) return "skippedForFailure";
  return name.startsWith(SYNTHETIC_PREFIX) ? "synthetic" : undefined;
}

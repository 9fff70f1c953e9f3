import { EventEmitter } from "node:events";
import { buildFooter, buildHeader, buildStepLines } from "./build-logs.js";
import type { FlowGraph } from "./flow.js";
import { compareIgnoreCase, ignoreCaseKey } from "./java-strings.js";
import { GrowingLog, type LogSource } from "./logs.js";
import type { GitSource } from "./scm.js";

export type Result = "SUCCESS" | "UNSTABLE" | "FAILURE" | "NOT_BUILT" | "ABORTED";
export type JobKind = "freestyle" | "pipeline";
export type FolderKind = "folder" | "multibranch";
export type ParamType = "string" | "boolean" | "choice" | "password";

export interface ParamDef {
  readonly type: ParamType;
  readonly name: string;
  readonly description: string | null;
  /** "true"/"false" for booleans; for choices, the first choice. */
  readonly defaultValue: string;
  readonly choices?: readonly string[];
}

export interface ParamValue {
  readonly type: ParamType;
  readonly name: string;
  readonly value: string | boolean;
}

export interface Cause {
  readonly userId: string;
  readonly userName: string;
}

/** CaseResult.Status. */
type CaseStatus = "PASSED" | "SKIPPED" | "FAILED" | "FIXED" | "REGRESSION";

export interface TestCase {
  readonly className: string;
  readonly name: string;
  readonly status: CaseStatus;
  /** Seconds, as JUnit reports them. */
  readonly duration: number;
  readonly errorDetails?: string;
  readonly errorStackTrace?: string;
}

export interface TestSuite {
  readonly name: string;
  readonly cases: readonly TestCase[];
}

/** A junit TestResult: the counts its TestResultAction exports, and the report behind `testReport`. */
export interface TestResult {
  readonly failCount: number;
  readonly skipCount: number;
  readonly totalCount: number;
  readonly suites: readonly TestSuite[];
}

/** StatusExt of the Pipeline Stage View plugin. */
export type StageStatus =
  | "SUCCESS"
  | "FAILED"
  | "UNSTABLE"
  | "ABORTED"
  | "IN_PROGRESS"
  | "PAUSED_PENDING_INPUT"
  | "NOT_EXECUTED";

export interface Stage {
  readonly name: string;
  readonly status: StageStatus;
  readonly durationMs: number;
  /** ErrorExt of a failed stage. */
  readonly error?: { readonly message: string; readonly type: string };
}

/** A pipeline `input` step: asked once the build's steps are done (InputStep). */
export interface InputSpec {
  /** InputStep capitalizes the first letter of the id it is given. */
  readonly id: string;
  readonly message: string;
  /** The proceed button's text (`ok`), "Proceed" when not set. */
  readonly ok?: string;
  readonly params?: readonly ParamDef[];
}

/** A TestResult from its suites, counts computed as the junit plugin does. */
export function junitResult(suites: readonly TestSuite[]): TestResult {
  const cases = suites.flatMap((suite) => suite.cases);
  return {
    failCount: cases.filter((c) => c.status === "FAILED" || c.status === "REGRESSION").length,
    skipCount: cases.filter((c) => c.status === "SKIPPED").length,
    totalCount: cases.length,
    suites,
  };
}

export type Outcome = (params: Readonly<Record<string, string>>) => Result;

/** Timing of builds; every field can be set per job. */
export interface JobTiming {
  quietPeriodMs: number;
  durationMs: number;
  logLines: number;
  /** When set, a log line every N ms (the line count then follows from the duration). */
  lineIntervalMs?: number;
  /** The log file only appears this long after the build started (progressiveText "missing file"). */
  logStartDelayMs: number;
}

export interface JobSpec extends Partial<JobTiming> {
  kind?: JobKind;
  params?: readonly ParamDef[];
  disabled?: boolean;
  description?: string | null;
  displayName?: string;
  concurrent?: boolean;
  outcome?: Outcome;
  /** Branch jobs of a multibranch project cannot be configured, enabled, disabled or deleted. */
  readOnly?: boolean;
  /** Pipelines: an `input` step after the build's steps, which waits for a person. */
  input?: InputSpec;
  /** Pipelines: a step that catches the interrupt of `/stop`, so only `/term` or `/kill` end the build. */
  ignoresStop?: boolean;
  /** Pipelines: the agent their `node` block asks for (`node('linux-2')`). */
  agent?: string;
  /** The git repository it builds (freestyle SCM, or a pipeline's script from SCM). */
  scm?: GitSource;
}

/** Util.rawEncode: the URL form of one item name. */
export function rawEncode(name: string): string {
  return Array.from(name, (ch) =>
    /^[A-Za-z0-9!$&'()*+,\-.=@_]$/.test(ch)
      ? ch
      : Array.from(Buffer.from(ch, "utf8"), (b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join(
          "",
        ),
  ).join("");
}

/**
 * Items of a folder or of Jenkins itself, looked up and listed in Java's case-insensitive order, as
 * Jenkins' item maps are (`ſ` is `s`, `ı` and `İ` are `i`).
 */
export class ItemGroup {
  private readonly byName = new Map<string, Item>();
  private sorted: Item[] | null = null;

  get(name: string): Item | undefined {
    return this.byName.get(ignoreCaseKey(name));
  }

  add(item: Item): void {
    this.byName.set(ignoreCaseKey(item.name), item);
    this.sorted = null;
  }

  remove(item: Item): void {
    this.byName.delete(ignoreCaseKey(item.name));
    this.sorted = null;
  }

  items(): readonly Item[] {
    this.sorted ??= [...this.byName.values()].sort((a, b) => compareIgnoreCase(a.name, b.name));
    return this.sorted;
  }
}

export abstract class Item {
  description: string | null = null;
  displayNameOrNull: string | null = null;
  /** config.xml as submitted; generated from the model when null. */
  configXml: string | null = null;
  readOnly = false;
  /** Where its code comes from (scm.ts): a job's SCM or pipeline-from-SCM, a multibranch source. */
  scm: GitSource | null = null;

  constructor(
    readonly name: string,
    readonly parent: Folder | null,
  ) {}

  get fullName(): string {
    return this.parent ? `${this.parent.fullName}/${this.name}` : this.name;
  }

  get displayName(): string {
    return this.displayNameOrNull ?? this.name;
  }

  get fullDisplayName(): string {
    return this.parent ? `${this.parent.fullDisplayName} » ${this.displayName}` : this.displayName;
  }

  /** Path of the item relative to the Jenkins base URL, e.g. `job/team/job/api/`. */
  get urlPath(): string {
    return `${this.parent?.urlPath ?? ""}job/${rawEncode(this.name)}/`;
  }
}

export class Folder extends Item {
  readonly children = new ItemGroup();

  constructor(
    name: string,
    parent: Folder | null,
    readonly kind: FolderKind,
  ) {
    super(name, parent);
  }
}

const COMPLETED = (b: Build): boolean => !b.building;

/** Permalinks (PermalinkProjectAction.Permalink) and the builds they resolve to. */
const PERMALINKS: Readonly<Record<string, (b: Build) => boolean>> = {
  lastBuild: () => true,
  lastCompletedBuild: COMPLETED,
  lastSuccessfulBuild: (b) => b.result === "SUCCESS" || b.result === "UNSTABLE",
  lastStableBuild: (b) => b.result === "SUCCESS",
  lastFailedBuild: (b) => b.result === "FAILURE",
  lastUnstableBuild: (b) => b.result === "UNSTABLE",
  lastUnsuccessfulBuild: (b) => COMPLETED(b) && b.result !== "SUCCESS",
};

/** The inline script of a pipeline that was given none. */
export const DEFAULT_PIPELINE_SCRIPT =
  "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps {\n        sh './build.sh'\n      }\n    }\n  }\n}";

/** What a replay runs instead of the original: ReplayFlowFactoryAction's scripts and ReplayCause's build. */
export interface Replay {
  readonly of: number;
  readonly script: string;
  readonly loadedScripts: Readonly<Record<string, string>>;
}

export class Job extends Item {
  /** Pipelines: the script a build runs (CpsFlowDefinition's, or the Jenkinsfile of its SCM). */
  script = DEFAULT_PIPELINE_SCRIPT;
  readonly builds: Build[] = [];
  nextBuildNumber = 1;
  disabled: boolean;
  params: readonly ParamDef[];
  concurrent: boolean;
  outcome: Outcome;
  timing: JobTiming;
  readonly input: InputSpec | null;
  readonly ignoresStop: boolean;
  readonly agent: string | null;

  constructor(
    name: string,
    parent: Folder | null,
    readonly kind: JobKind,
    spec: JobSpec,
    defaults: JobTiming,
  ) {
    super(name, parent);
    this.params = spec.params ?? [];
    this.disabled = spec.disabled ?? false;
    this.concurrent = spec.concurrent ?? kind === "pipeline";
    this.outcome = spec.outcome ?? defaultOutcome;
    this.description = spec.description ?? "";
    this.displayNameOrNull = spec.displayName ?? null;
    this.readOnly = spec.readOnly ?? false;
    this.scm = spec.scm ?? null;
    this.input = spec.input ?? null;
    this.ignoresStop = spec.ignoresStop ?? false;
    this.agent = spec.agent ?? null;
    this.timing = {
      quietPeriodMs: spec.quietPeriodMs ?? defaults.quietPeriodMs,
      durationMs: spec.durationMs ?? defaults.durationMs,
      logLines: spec.logLines ?? defaults.logLines,
      lineIntervalMs: spec.lineIntervalMs,
      logStartDelayMs: spec.logStartDelayMs ?? defaults.logStartDelayMs,
    };
  }

  get buildable(): boolean {
    return !this.disabled;
  }

  getBuild(number: number): Build | undefined {
    return this.builds.find((b) => b.number === number);
  }

  permalink(name: string): Build | undefined {
    const matches = PERMALINKS[name];
    return matches ? this.newestFirst().find(matches) : undefined;
  }

  /** Newest first, like Job.getBuilds(). */
  newestFirst(): Build[] {
    return [...this.builds].reverse();
  }

  /** Job.getEstimatedDuration: mean of up to 3 recent successful builds, else recent completed ones. */
  estimatedDuration(): number {
    const completed = this.newestFirst().filter((b) => !b.building);
    const good = completed.filter((b) => b.result === "SUCCESS" || b.result === "UNSTABLE").slice(0, 3);
    const candidates = good.length ? good : completed.slice(0, 3);
    const total = candidates.reduce((sum, b) => sum + b.duration, 0);
    return candidates.length && total > 0 ? Math.round(total / candidates.length) : -1;
  }
}

/** Default outcome: FAILURE when a FAIL parameter is true, UNSTABLE when UNSTABLE is true. */
const defaultOutcome: Outcome = (params) =>
  params.FAIL === "true" ? "FAILURE" : params.UNSTABLE === "true" ? "UNSTABLE" : "SUCCESS";

interface Execution {
  readonly endsAt: number;
  /** The job's `input` step was reached (it is asked at most once). */
  inputReached: boolean;
  readonly logStartsAt: number;
  readonly steps: readonly string[];
  readonly stepEvery: number;
  emitted: number;
  headerWritten: boolean;
  readonly estimatedDuration: number;
}

/** hudson.model.Run.Artifact: a file archived below the build's artifacts directory. */
export interface Artifact {
  /** Relative to the artifacts directory, `/`-separated: `target/app.jar`. */
  relativePath: string;
  content: Buffer;
}

/**
 * A commit as git-plugin's GitChangeSet records it from `git log`: the author is a name and an
 * e-mail address, not yet a Jenkins user (see simulator/changes.ts for how Jenkins maps it to one).
 */
export interface Commit {
  /** 40 hex digits. */
  readonly id: string;
  readonly authorName: string;
  readonly authorEmail: string;
  /** Author time, ms since the epoch. */
  readonly timestamp: number;
  /** The whole commit message, lines separated by \n. */
  readonly message: string;
  readonly paths: ReadonlyArray<{ readonly editType: "add" | "edit" | "delete"; readonly file: string }>;
}

export class Build {
  result: Result | null = null;
  /**
   * The commits this build's checkout brought in, oldest first as ChangeLogSet.getItems lists them
   * (GitChangeSetList reverses `git log`'s newest-first order); null when the job has no SCM.
   */
  commits: readonly Commit[] | null = null;
  /** Archived files (ArtifactArchiver), in the order Run.getArtifacts lists them. */
  artifacts: Artifact[] = [];
  duration = 0;
  testResult: TestResult | null = null;
  execution: Execution | null = null;
  log: LogSource = new GrowingLog();
  /** Pipelines: stages as recorded; null for the default single "Build" stage. */
  stages: readonly Stage[] | null = null;
  /** Pipelines: the flow graph of the run (flow.ts), when simulated; it supersedes `stages`. */
  flow: FlowGraph | null = null;
  /** Pipelines: the `input` step waiting for an answer. */
  pendingInput: InputSpec | null = null;
  /** Pipelines: the script it ran (CpsFlowExecution.getScript) and the ones it `load`ed, by class name. */
  script: string | null = null;
  loadedScripts: Record<string, string> = {};
  /** The build it replays (ReplayCause), when it is a replay. */
  replayOf: number | null = null;
  /** Run.description, Run.displayName (null: "#N") and Run.keepLog, as people edit them. */
  description: string | null = null;
  displayNameOrNull: string | null = null;
  keepLog = false;

  constructor(
    readonly job: Job,
    readonly number: number,
    readonly queueId: number,
    readonly timestamp: number,
    readonly causes: readonly Cause[],
    readonly params: readonly ParamValue[] | null,
  ) {}

  get building(): boolean {
    return this.result === null;
  }

  get url(): string {
    return `${this.job.urlPath}${this.number}/`;
  }

  get displayName(): string {
    return this.displayNameOrNull ?? `#${this.number}`;
  }

  get fullDisplayName(): string {
    return `${this.job.fullDisplayName} ${this.displayName}`;
  }

  previous(): Build | undefined {
    return this.job.builds[this.job.builds.indexOf(this) - 1];
  }

  next(): Build | undefined {
    return this.job.builds[this.job.builds.indexOf(this) + 1];
  }

  paramMap(): Record<string, string> {
    return Object.fromEntries((this.params ?? []).map((p) => [p.name, String(p.value)]));
  }
}

export type QueueState = "waiting" | "blocked" | "buildable" | "left";

export class QueueItem {
  state: QueueState = "waiting";
  buildableSince = 0;
  cancelled = false;
  build: Build | null = null;
  leftAt = 0;
  readonly causes: Cause[];
  /** A replay: its scripts replace the job's. */
  replay: Replay | null = null;

  constructor(
    readonly id: number,
    readonly job: Job,
    readonly params: readonly ParamValue[] | null,
    cause: Cause,
    readonly inQueueSince: number,
    public due: number,
  ) {
    this.causes = [cause];
  }

  get url(): string {
    return `queue/item/${this.id}/`;
  }
}

/**
 * A permanent agent (hudson.slaves.DumbSlave, shown as a hudson.slaves.SlaveComputer). Freestyle builds
 * run on the built-in node only; a pipeline whose job names the agent runs its `node` block here.
 */
export interface Agent {
  readonly name: string;
  readonly description: string;
  /** The labels of its configuration; Node.getAssignedLabels adds the agent's own name. */
  readonly labels: readonly string[];
  readonly executors: number;
  /** Its agent process is connected (SlaveComputer.getChannel() is not null). */
  connected: boolean;
  /** Computer.setTemporaryOfflineCause with an OfflineCause.UserCause: who marked it offline, and why. */
  markedOffline: { readonly userId: string; readonly message: string | null; readonly at: number } | null;
}

export interface WorldOptions {
  defaults: JobTiming;
  executors: number;
  leftItemTtlMs: number;
  manualClock: boolean;
}

export interface ScheduleResult {
  readonly item: QueueItem;
  readonly created: boolean;
}

/**
 * The simulated Jenkins state: items, builds, queue and executors, driven by one clock. In real-clock mode
 * the simulator calls `tick()` every few milliseconds and before each request; in manual mode only
 * `advance()` moves time.
 */
/**
 * A view of the root besides "all": a ListView of chosen items (full names; `recurse` lets it hold
 * items in folders), or the nested-view plugin's NestedView, which holds views and no items.
 */
export type ViewSpec =
  | { kind: "all"; name: string; description?: string }
  | { kind: "list"; name: string; description?: string; jobs: readonly string[] }
  | { kind: "nested"; name: string; description?: string; views: readonly ViewSpec[] };

export class World extends EventEmitter {
  readonly root = new ItemGroup();
  /** The root's views after "all" (hudson.model.AllView, the primary view). */
  readonly views: ViewSpec[] = [];
  readonly queue: QueueItem[] = [];
  readonly leftItems = new Map<number, QueueItem>();
  readonly running = new Set<Build>();
  readonly agents: Agent[] = [];
  /** Jenkins.doQuietDown: no new builds start; exported as quietingDown and quietDownReason. */
  quietDownReason: string | null = null;
  quietingDown = false;
  private nextQueueId = 1;
  private manualNow: number;

  constructor(readonly options: WorldOptions) {
    super();
    this.setMaxListeners(0);
    this.manualNow = Date.now();
  }

  now(): number {
    return this.options.manualClock ? this.manualNow : Date.now();
  }

  /** Moves a manual clock forward and processes everything that became due. */
  advance(ms: number): void {
    if (!this.options.manualClock) throw new Error("advance() needs the manual clock");
    this.manualNow += ms;
    this.tick();
  }

  allocateQueueId(): number {
    return this.nextQueueId++;
  }

  // ---- items ----------------------------------------------------------------------------------------

  /** Resolves a full name such as `team/backend/api` (case-insensitive, like Jenkins). */
  getItem(fullName: string): Item | undefined {
    const [name, ...rest] = fullName.split("/");
    let item = this.root.get(name ?? "");
    for (const next of rest) {
      item = item instanceof Folder ? item.children.get(next) : undefined;
    }
    return item;
  }

  getJob(fullName: string): Job {
    const item = this.getItem(fullName);
    if (!(item instanceof Job)) throw new Error(`No job ${fullName}`);
    return item;
  }

  getFolder(fullName: string): Folder {
    const item = this.getItem(fullName);
    if (!(item instanceof Folder)) throw new Error(`No folder ${fullName}`);
    return item;
  }

  addFolder(fullName: string, kind: FolderKind = "folder"): Folder {
    const { parent, name } = this.splitName(fullName);
    return this.addFolderTo(parent, name, kind);
  }

  addJob(fullName: string, spec: JobSpec = {}): Job {
    const { parent, name } = this.splitName(fullName);
    return this.addJobTo(parent, name, spec);
  }

  addJobTo(parent: Folder | null, name: string, spec: JobSpec): Job {
    const job = new Job(name, parent, spec.kind ?? "freestyle", spec, this.options.defaults);
    this.groupOf(parent).add(job);
    return job;
  }

  addFolderTo(parent: Folder | null, name: string, kind: FolderKind): Folder {
    const folder = new Folder(name, parent, kind);
    this.groupOf(parent).add(folder);
    return folder;
  }

  groupOf(folder: Folder | null): ItemGroup {
    return folder ? folder.children : this.root;
  }

  removeItem(item: Item): void {
    this.groupOf(item.parent).remove(item);
  }

  private splitName(fullName: string): { parent: Folder | null; name: string } {
    const cut = fullName.lastIndexOf("/");
    if (cut < 0) return { parent: null, name: fullName };
    return { parent: this.getFolder(fullName.slice(0, cut)), name: fullName.slice(cut + 1) };
  }

  // ---- agents ---------------------------------------------------------------------------------------

  addAgent(
    name: string,
    spec: { description?: string; labels?: readonly string[]; executors?: number; connected?: boolean } = {},
  ): Agent {
    const agent: Agent = {
      name,
      description: spec.description ?? "",
      labels: spec.labels ?? [],
      executors: spec.executors ?? 1,
      connected: spec.connected ?? true,
      markedOffline: null,
    };
    this.agents.push(agent);
    return agent;
  }

  /** Computer.doToggleOffline with a message: no new builds start there; running ones go on. */
  markOffline(agent: Agent, userId: string, message: string | null): void {
    agent.markedOffline = { userId, message, at: this.now() };
  }

  // ---- queue ----------------------------------------------------------------------------------------

  /** Queue.schedule2: merges with an identical pending request (same job and same parameters). */
  schedule(job: Job, params: readonly ParamValue[] | null, cause: Cause, delayMs: number): ScheduleResult {
    const now = this.now();
    const due = now + delayMs;
    const duplicates = this.queue.filter((item) => item.job === job && !paramsDiffer(item.params, params));
    const [existing] = duplicates;
    if (!existing) {
      const item = new QueueItem(this.allocateQueueId(), job, params, cause, now, due);
      this.queue.push(item);
      this.emit("queued", item);
      return { item, created: true };
    }
    for (const item of duplicates) {
      if (!item.causes.some((c) => c.userId === cause.userId)) item.causes.push(cause);
      if (item.state === "waiting" && item.due > due) item.due = due;
    }
    return { item: existing, created: false };
  }

  /** ReplayAction.run2: a new item every time (ReplayFlowFactoryAction never lets it merge). */
  scheduleReplay(job: Job, params: readonly ParamValue[] | null, cause: Cause, replay: Replay): QueueItem {
    const now = this.now();
    const item = new QueueItem(
      this.allocateQueueId(),
      job,
      params,
      cause,
      now,
      now + job.timing.quietPeriodMs,
    );
    item.replay = replay;
    this.queue.push(item);
    this.emit("queued", item);
    return item;
  }

  /** Active items first (`queue/item/N`), then items that left the queue in the last minutes. */
  queueItem(id: number): QueueItem | undefined {
    return this.queue.find((item) => item.id === id) ?? this.leftItems.get(id);
  }

  /** Items in the order Jenkins lists them: waiting by due time, then blocked, then buildable. */
  queueItems(): QueueItem[] {
    const waiting = this.queue
      .filter((i) => i.state === "waiting")
      .sort((a, b) => a.due - b.due || a.id - b.id);
    const blocked = this.queue.filter((i) => i.state === "blocked");
    const buildable = this.queue.filter((i) => i.state === "buildable").reverse();
    return [...waiting, ...blocked, ...buildable];
  }

  cancel(item: QueueItem): boolean {
    const index = this.queue.indexOf(item);
    if (index < 0) return false;
    this.queue.splice(index, 1);
    this.leave(item, null);
    return true;
  }

  private leave(item: QueueItem, build: Build | null): void {
    item.state = "left";
    item.cancelled = build === null;
    item.build = build;
    item.leftAt = this.now();
    this.leftItems.set(item.id, item);
    this.emit("left", item);
  }

  // ---- time -----------------------------------------------------------------------------------------

  tick(): void {
    const now = this.now();
    for (const build of [...this.running]) this.progress(build, now);
    this.maintainQueue(now);
    for (const [id, item] of this.leftItems) {
      if (item.leftAt + this.options.leftItemTtlMs <= now) this.leftItems.delete(id);
    }
    this.emit("tick");
  }

  /** Resolves once `predicate` holds, checked now and after every tick. */
  waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onTick = (): void => {
        if (!predicate()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`waitFor: condition not met within ${timeoutMs} ms`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        this.off("tick", onTick);
      };
      this.on("tick", onTick);
    });
  }

  freeExecutors(): number {
    return this.options.executors - this.onBuiltInNode().length;
  }

  /** The running freestyle builds, oldest first: each holds one executor of the built-in node. */
  onBuiltInNode(): Build[] {
    return [...this.running].filter((b) => b.job.kind === "freestyle");
  }

  /**
   * The running pipelines whose `node` block holds an executor of the agent, oldest first. The
   * simulator does not queue node blocks: a build whose agent is disconnected or full runs on without.
   */
  nodeBlocksOn(agent: Agent): Build[] {
    if (!agent.connected) return [];
    return [...this.running].filter((b) => b.job.agent === agent.name).slice(0, agent.executors);
  }

  /** The running build that blocks a new build of a job that does not allow concurrent builds. */
  blockingBuild(job: Job): Build | undefined {
    if (job.concurrent) return undefined;
    return [...this.running].find((b) => b.job === job);
  }

  private maintainQueue(now: number): void {
    for (const item of this.queue) {
      if (item.state !== "waiting" || item.due > now) continue;
      item.state = "buildable";
      item.buildableSince = now;
    }
    const ready = this.queue
      .filter((item) => item.state !== "waiting")
      .sort((a, b) => a.buildableSince - b.buildableSince || a.due - b.due || a.id - b.id);
    for (const item of ready) {
      if (this.blockingBuild(item.job)) item.state = "blocked";
      else if (this.quietingDown) item.state = "buildable";
      else if (item.job.kind === "freestyle" && this.freeExecutors() <= 0) item.state = "buildable";
      else this.start(item, now);
    }
  }

  private start(item: QueueItem, now: number): void {
    this.queue.splice(this.queue.indexOf(item), 1);
    const job = item.job;
    const build = new Build(job, job.nextBuildNumber++, item.id, now, item.causes, item.params);
    if (job.kind === "pipeline") {
      build.script = item.replay?.script ?? job.script;
      build.loadedScripts = { ...(item.replay?.loadedScripts ?? {}) };
      build.replayOf = item.replay?.of ?? null;
    }
    const { durationMs, lineIntervalMs, logLines, logStartDelayMs } = job.timing;
    const stepCount = lineIntervalMs ? Math.floor(durationMs / lineIntervalMs) : logLines;
    build.execution = {
      endsAt: now + durationMs,
      logStartsAt: now + logStartDelayMs,
      steps: buildStepLines(job, stepCount),
      stepEvery: lineIntervalMs ?? durationMs / (stepCount + 1),
      inputReached: false,
      emitted: 0,
      headerWritten: false,
      estimatedDuration: job.estimatedDuration(),
    };
    job.builds.push(build);
    this.running.add(build);
    this.leave(item, build);
    this.emit("started", build);
    this.progress(build, now);
  }

  private progress(build: Build, now: number): void {
    const exec = build.execution;
    if (!exec || !(build.log instanceof GrowingLog)) return;
    const log = build.log;
    if (!exec.headerWritten && now >= exec.logStartsAt) {
      log.append(buildHeader(build));
      exec.headerWritten = true;
    }
    if (!exec.headerWritten) return;
    while (exec.emitted < exec.steps.length && build.timestamp + (exec.emitted + 1) * exec.stepEvery <= now) {
      log.append(exec.steps[exec.emitted++] ?? "");
    }
    if (now < exec.endsAt) return;
    const input = build.job.input;
    if (input && !exec.inputReached) {
      exec.inputReached = true;
      build.pendingInput = input;
      log.append(`[Pipeline] input\n${input.message}\n${input.ok ?? "Proceed"} or Abort\n`);
    }
    if (!build.pendingInput) this.finish(build, build.job.outcome(build.paramMap()));
  }

  /** InputStepExecution.proceed / doAbort: the build goes on to its outcome, or ends ABORTED. */
  answerInput(build: Build, proceed: boolean, by: Cause, values: readonly ParamValue[] = []): void {
    const log = build.log;
    build.pendingInput = null;
    if (log instanceof GrowingLog) {
      const given = values.map((v) => `${v.name}=${v.type === "password" ? "****" : String(v.value)}\n`);
      log.append(proceed ? `Approved by ${by.userName}\n${given.join("")}` : `Rejected by ${by.userName}\n`);
    }
    if (!proceed) this.finish(build, "ABORTED");
    else this.progress(build, this.now());
  }

  /** Executor.interrupt of a pipeline: a step that catches it lets the build run on until `/term`. */
  interrupt(build: Build, by: Cause): void {
    if (!build.job.ignoresStop) {
      this.abort(build, by, false);
      return;
    }
    if (build.log instanceof GrowingLog) {
      build.log.append(`Aborted by ${by.userName}\nClick here to forcibly terminate running steps\n`);
    }
  }

  /** Ends a running build now: remaining lines, `extra` text, then the "Finished: RESULT" footer. */
  finish(build: Build, result: Result, extra = ""): void {
    const exec = build.execution;
    if (!exec || !(build.log instanceof GrowingLog)) return;
    const log = build.log;
    if (!exec.headerWritten) log.append(buildHeader(build));
    if (result !== "ABORTED") log.append(exec.steps.slice(exec.emitted).join(""));
    log.append(extra + buildFooter(build, result));
    build.pendingInput = null;
    build.result = result;
    build.duration = this.now() - build.timestamp;
    build.execution = null;
    this.running.delete(build);
    this.emit("finished", build);
  }

  /** Executor.doStop / WorkflowRun.doKill: the build ends ABORTED at once. */
  abort(build: Build, by: Cause, hard: boolean): void {
    this.finish(build, "ABORTED", hard ? "Hard kill!\n" : `Aborted by ${by.userName}\n`);
  }

  estimatedRemaining(build: Build): number {
    const estimate = build.execution?.estimatedDuration ?? -1;
    return estimate < 0 ? -1 : estimate - (this.now() - build.timestamp);
  }
}

/** ParametersAction.shouldSchedule in both directions: does a new request differ from a queued one? */
function paramsDiffer(a: readonly ParamValue[] | null, b: readonly ParamValue[] | null): boolean {
  if (!a || !b) return (a ?? b ?? []).length > 0;
  const key = (p: ParamValue): string => `${p.type}\u0000${p.name}\u0000${String(p.value)}`;
  const left = new Set(a.map(key));
  const right = new Set(b.map(key));
  return left.size !== right.size || [...left].some((k) => !right.has(k));
}

import type { ResolvedJob } from "../../src/jenkins/branches.js";
import type { Build, BuildParameters, RecordedParameter, TriggerResult } from "../../src/jenkins/builds.js";
import type { BuildRange, BuildStreak, ChangeHistory, Commit } from "../../src/jenkins/changes.js";
import type { JenkinsClient } from "../../src/jenkins/client.js";
import { JenkinsError } from "../../src/jenkins/errors.js";
import type { FlowStage, FlowStep, PipelineGraph, StepLogRequest } from "../../src/jenkins/flow.js";
import type { JobType } from "../../src/jenkins/items.js";
import type { Job } from "../../src/jenkins/jobs.js";
import type { BuildLogRequest, LogPage, LogPageRequest, LogPosition } from "../../src/jenkins/logs.js";
import type { ParameterDefinition } from "../../src/jenkins/parameters.js";
import { type BuildRef, formatJobPath, type JobPath } from "../../src/jenkins/paths.js";
import type { TestReport } from "../../src/jenkins/tests.js";

/** A build as the fake holds it: its result (null while running), its log, and what plugins add. */
export interface FakeBuild {
  number: number;
  result: string | null;
  log?: string[];
  causes?: string[];
  /** Its stages and steps; a build without them answers 404, as a freestyle build does. */
  graph?: PipelineGraph;
  /** Each step's own log, by step id; a step without one printed nothing. */
  stepLogs?: Record<string, string[]>;
  /** The JUnit report; a build without it answers 404. */
  tests?: TestReport;
  /** The commits its checkout brought in, oldest first. */
  commits?: Commit[];
  culprits?: string[];
  /** The parameter values it ran with (a password's value is null, as Jenkins never exports it). */
  parameters?: RecordedParameter[];
}

interface FakeJob {
  fullName: string;
  type: JobType;
  /** False for a disabled job; true when left out. */
  buildable?: boolean;
  parameters?: ParameterDefinition[];
  builds?: FakeBuild[];
}

/** The methods the handler tests reach; every other method of the client throws. */
type UsedMethods =
  | "resolveJob"
  | "getJob"
  | "getBuild"
  | "buildNumber"
  | "buildParameters"
  | "logTail"
  | "logForward"
  | "scanLog"
  | "triggerBuild"
  | "pipelineGraph"
  | "scanStepLog"
  | "stepLogPage"
  | "testReport"
  | "buildChanges"
  | "buildStreak";

const BASE_URL = "https://jenkins.example/";

/** A job's parameter definition as the fake's jobs declare them. */
export function parameter(
  name: string,
  type: ParameterDefinition["type"],
  choices?: string[],
): ParameterDefinition {
  return { name, type, jenkinsType: "", default: null, description: null, ...(choices ? { choices } : {}) };
}

/**
 * An in-memory Jenkins for tool handler tests: the jobs and builds it is given, nothing else.
 * `client` is what the server takes; it records each method called, by name, in `calls`, and the
 * parameters of each trigger (the POST) in `triggers`. Log positions count lines from offset 0.
 */
export class FakeJenkins implements Pick<JenkinsClient, UsedMethods> {
  readonly calls: string[] = [];
  readonly triggers: Array<{ job: string; parameters: string | undefined }> = [];
  readonly client: JenkinsClient;
  private readonly jobs: Map<string, FakeJob>;

  constructor(jobs: FakeJob[]) {
    this.jobs = new Map(jobs.map((job) => [job.fullName, job]));
    this.client = recordingClient(this);
  }

  async resolveJob(path: JobPath): Promise<ResolvedJob> {
    const job = this.job(path);
    return { path: job.fullName.split("/"), type: job.type };
  }

  async getJob(path: JobPath): Promise<Job> {
    const job = this.job(path);
    return {
      name: job.fullName.split("/").at(-1) ?? job.fullName,
      fullName: job.fullName,
      type: job.type,
      status: job.buildable === false ? "disabled" : "blue",
      url: `${BASE_URL}job/${job.fullName.split("/").join("/job/")}/`,
      description: null,
      buildable: job.buildable ?? true,
      building: false,
      inQueue: false,
      lastBuild: null,
      lastSuccessfulBuildNumber: null,
      lastFailedBuildNumber: null,
      health: null,
      parameters: job.parameters ?? [],
    };
  }

  async getBuild(path: JobPath, ref: BuildRef): Promise<Build & { jobFullName: string }> {
    const build = this.build(path, ref);
    const tests = build.tests;
    return {
      jobFullName: formatJobPath(path),
      number: build.number,
      url: `${(await this.getJob(path)).url}${build.number}/`,
      result: build.result,
      building: build.result === null,
      startedAt: "2026-03-04T05:06:07.000Z",
      durationMs: 61_000,
      estimatedDurationMs: 60_000,
      causes: build.causes ?? ["Started by user admin"],
      parameters: [],
      tests: tests
        ? { total: tests.passed + tests.failed + tests.skipped, failed: tests.failed, skipped: tests.skipped }
        : null,
    };
  }

  async buildNumber(path: JobPath, ref: BuildRef): Promise<number> {
    return this.build(path, ref).number;
  }

  async buildParameters(path: JobPath, ref: BuildRef): Promise<BuildParameters> {
    const build = this.build(path, ref);
    return { number: build.number, parameters: build.parameters ?? [] };
  }

  async logTail(request: BuildLogRequest & LogPageRequest): Promise<LogPage> {
    const log = this.log(request);
    return this.page(request, Math.max(0, log.length - request.lines), log.length);
  }

  async logForward(request: BuildLogRequest & LogPageRequest & { position: LogPosition }): Promise<LogPage> {
    const from = request.position.skipLines;
    return this.page(request, from, Math.min(this.log(request).length, from + request.lines));
  }

  async scanLog(request: BuildLogRequest, consume: (lines: string[]) => boolean): Promise<boolean> {
    consume(this.log(request));
    return true;
  }

  async triggerBuild(path: JobPath, parameters: URLSearchParams | undefined): Promise<TriggerResult> {
    this.triggers.push({ job: formatJobPath(path), parameters: parameters?.toString() });
    const queueItemId = 100 + this.triggers.length;
    return { queueItemId, queueUrl: `${BASE_URL}queue/item/${queueItemId}/` };
  }

  async pipelineGraph(path: JobPath, ref: BuildRef): Promise<PipelineGraph> {
    return this.build(path, ref).graph ?? notFound(`${formatJobPath(path)} #${ref} has no stages`);
  }

  async scanStepLog(request: StepLogRequest, consume: (lines: string[]) => boolean): Promise<boolean> {
    consume(this.stepLog(request) ?? []);
    return true;
  }

  async stepLogPage(
    request: StepLogRequest & LogPageRequest & { skip?: number | undefined },
  ): Promise<LogPage | null> {
    const log = this.stepLog(request);
    if (!log) return null;
    const from = request.skip ?? Math.max(0, log.length - request.lines);
    return pageOf(log, from, Math.min(log.length, from + request.lines), false);
  }

  async testReport(path: JobPath, ref: BuildRef): Promise<TestReport> {
    return this.build(path, ref).tests ?? notFound(`${formatJobPath(path)} #${ref} has no test report`);
  }

  /** All builds are "read": the fake has no window. */
  async buildChanges(path: JobPath, range: BuildRange): Promise<ChangeHistory> {
    this.build(path, range.until);
    const newest = (this.job(path).builds ?? []).filter(
      (b) => b.number > range.since && b.number <= range.until,
    );
    const builds = newest.reverse().slice(0, range.limit);
    const oldest = builds.at(-1)?.number ?? range.until;
    return {
      builds: builds.map((build) => ({
        number: build.number,
        result: build.result,
        building: build.result === null,
        commits: build.commits ?? [],
        moreCommits: false,
        culprits: build.culprits ?? [],
      })),
      leftOut: oldest - 1 > range.since ? { from: range.since + 1, to: oldest - 1 } : null,
    };
  }

  async buildStreak(path: JobPath, number: number): Promise<BuildStreak> {
    const target = this.build(path, number);
    const before = (this.job(path).builds ?? []).filter((b) => b.number < number).reverse();
    const success = before.findIndex((b) => b.result === "SUCCESS");
    const run = success < 0 ? before : before.slice(0, success);
    const failing = target.result !== null && target.result !== "SUCCESS";
    return {
      number,
      result: target.result,
      failingSince: failing ? (run.at(-1)?.number ?? number) : null,
      lastSuccess: before[success]?.number ?? null,
      beyondRead: false,
      oldestRead: before.at(-1)?.number ?? number,
    };
  }

  private job(path: JobPath): FakeJob {
    return this.jobs.get(formatJobPath(path)) ?? notFound(`Job "${formatJobPath(path)}" was not found`);
  }

  private build(path: JobPath, ref: BuildRef): FakeBuild {
    const builds = this.job(path).builds ?? [];
    const build = ref === "lastBuild" ? builds.at(-1) : builds.find((candidate) => candidate.number === ref);
    return build ?? notFound(`Build ${ref} of "${formatJobPath(path)}" was not found`);
  }

  private log(request: BuildLogRequest): string[] {
    return this.build(request.path, request.build).log ?? [];
  }

  private stepLog(request: StepLogRequest): string[] | undefined {
    return this.build(request.path, request.build).stepLogs?.[request.stepId];
  }

  /** Lines `from` to `to` of the build's log. */
  private page(request: BuildLogRequest, from: number, to: number): LogPage {
    const building = this.build(request.path, request.build).result === null;
    return pageOf(this.log(request), from, to, building);
  }
}

/** Lines `from` to `to` of a log, with byte offsets as Jenkins counts them (LF ends). */
function pageOf(log: readonly string[], from: number, to: number, building: boolean): LogPage {
  const bytesBefore = (index: number) =>
    log.slice(0, index).reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
  return {
    lines: log.slice(from, to),
    startByte: bytesBefore(from),
    endByte: bytesBefore(to),
    totalBytes: bytesBefore(log.length),
    building,
    hasMoreBefore: from > 0,
    hasMoreAfter: to < log.length,
    cut: false,
    next: { offset: 0, skipLines: to },
  };
}

function notFound(sentence: string): never {
  throw new JenkinsError("notFound", `${sentence} (404).`);
}

/** The fake as a whole JenkinsClient: calls are recorded, and a method the fake lacks throws. */
function recordingClient(fake: FakeJenkins): JenkinsClient {
  return new Proxy(fake, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property === "symbol") return value;
      return (...args: unknown[]) => {
        target.calls.push(property);
        if (typeof value !== "function")
          throw new Error(`JenkinsClient.${property} is not used in this test`);
        return value.apply(target, args);
      };
    },
  }) as unknown as JenkinsClient;
}

/** A step of a fake pipeline graph. */
export function flowStep(
  id: string,
  label: string,
  status: FlowStep["status"] = "SUCCESS",
  error: string | null = null,
): FlowStep {
  return { id, label, status, error };
}

/** A stage (or, with `branch: true`, a parallel branch) of a fake pipeline graph; its id is its name. */
export function flowStage(
  name: string,
  status: FlowStage["status"],
  parts: Partial<FlowStage> = {},
): FlowStage {
  return { id: name, name, branch: false, status, error: null, children: [], steps: [], ...parts };
}

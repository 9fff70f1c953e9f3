import type { JenkinsConfig } from "../config.js";
import {
  type ArtifactList,
  type ArtifactRequest,
  type ArtifactText,
  listArtifacts,
  readArtifact,
} from "./artifacts.js";
import { CanonicalNameCache, type ResolvedJob, resolveJob } from "./branches.js";
import { type BuildChange, type BuildSettings, buildSettings, changeBuild } from "./build-settings.js";
import {
  type Build,
  type BuildHistory,
  type BuildParameters,
  buildNumber,
  buildParameters,
  getBuild,
  listBuilds,
  type StopSignal,
  stopBuild,
  type TriggerResult,
  triggerBuild,
} from "./builds.js";
import {
  type BuildRange,
  type BuildStreak,
  buildChanges,
  buildStreak,
  type ChangeHistory,
} from "./changes.js";
import { FlowReader, type PipelineGraph, type StepLogRequest, scanStepLog, stepLogPage } from "./flow.js";
import { JenkinsHttp } from "./http.js";
import {
  copyJob,
  createJob,
  getJob,
  type Job,
  type JobPage,
  jobTree,
  listJobs,
  setJobEnabled,
} from "./jobs.js";
import { type LintResult, lintPipeline } from "./linter.js";
import {
  type BuildLogRequest,
  type LogPage,
  type LogPageRequest,
  type LogPosition,
  LogReader,
  logTarget,
  pageSize,
} from "./logs.js";
import { listNodes, listRunningBuilds, type NodeList, type RunningBuild } from "./nodes.js";
import { type BuildRef, type JobPath, jobPathFromUrl } from "./paths.js";
import { answerInput, type InputAnswer, type PendingInput, pendingInputs } from "./pipelines.js";
import { cancelQueueItem, getQueueItem, listQueue, type QueueItem } from "./queue.js";
import { type ReplayScripts, replayBuild, replayScripts } from "./replay.js";
import { type JobScm, jobScm, type SourceTree, sourceTree } from "./scm.js";
import { type ServerInfo, type ServerStatus, serverInfo, status, type WhoAmI, whoAmI } from "./system.js";
import { type TestReport, testReport } from "./tests.js";
import type { ControllerTraffic } from "./traffic.js";
import { type JobTree, TreeCache } from "./tree.js";
import { listViews, type ViewJobs, type ViewList, viewJobs } from "./views.js";

/** One method per Jenkins operation the tools need; tools never see HTTP. */
export interface JenkinsClient {
  readonly baseUrl: string;
  serverInfo(signal?: AbortSignal): Promise<ServerInfo>;
  /**
   * The item's full name as Jenkins spells it, from the smallest request that learns it (`tree=
   * _class,fullName`): any case of it, or a decoded branch name (`mb/feature/login`). Every other method
   * takes names in this form, so a decision made on it is a decision on what the request touches.
   */
  resolveJob(path: JobPath, signal?: AbortSignal): Promise<ResolvedJob>;
  getJob(path: JobPath, signal?: AbortSignal): Promise<Job>;
  listJobs(parent: JobPath | undefined, skip: number, limit: number, signal?: AbortSignal): Promise<JobPage>;
  getBuild(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<Build & { jobFullName: string }>;
  /** The build number a permalink points at now (a number is itself). */
  buildNumber(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<number>;
  /** The parameter values a build ran with, unmasked (passwords have none): to run it again. */
  buildParameters(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<BuildParameters>;
  /** The last `lines` lines; with `maxChars`, only as many as fit in about that many characters. */
  logTail(request: BuildLogRequest & LogPageRequest): Promise<LogPage>;
  logForward(request: BuildLogRequest & LogPageRequest & { position: LogPosition }): Promise<LogPage>;
  triggerBuild(
    path: JobPath,
    parameters: URLSearchParams | undefined,
    signal?: AbortSignal,
  ): Promise<TriggerResult>;
  getQueueItem(id: number, signal?: AbortSignal): Promise<QueueItem>;
  cancelQueueItem(id: number, signal?: AbortSignal): Promise<void>;
  createJob(
    parent: JobPath | undefined,
    name: string,
    configXml: string,
    signal?: AbortSignal,
  ): Promise<void>;
  copyJob(parent: JobPath | undefined, name: string, from: JobPath, signal?: AbortSignal): Promise<void>;
  /** Items below `parent` (or the root) a few levels deep, from one request, kept for 30 s. */
  jobTree(parent: JobPath | undefined): Promise<JobTree>;
  /** Up to `limit` (at most 100) most recent builds. */
  listBuilds(path: JobPath, limit: number, signal?: AbortSignal): Promise<BuildHistory>;
  /**
   * The commits and culprits of the builds after `range.since` (exclusive; 0 for all) up to
   * `range.until`, newest first and at most `range.limit`, with the numbers the limit left out.
   * Throws a build-not-found error when `until` does not exist.
   */
  buildChanges(path: JobPath, range: BuildRange, signal?: AbortSignal): Promise<ChangeHistory>;
  /**
   * How long build `number` has been failing (the first build of its run of non-SUCCESS results)
   * and the last SUCCESS before it, from the results of up to 100 earlier builds; `beyondRead`
   * says the run may go back further than what was read.
   */
  buildStreak(path: JobPath, number: number, signal?: AbortSignal): Promise<BuildStreak>;
  listQueue(signal?: AbortSignal): Promise<QueueItem[]>;
  stopBuild(path: JobPath, build: BuildRef, how: StopSignal, signal?: AbortSignal): Promise<void>;
  testReport(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<TestReport>;
  /** The stages of a pipeline build (Pipeline Stage View plugin). */
  pendingInputs(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PendingInput[]>;
  answerInput(
    path: JobPath,
    build: BuildRef,
    inputId: string,
    answer: InputAnswer,
    signal?: AbortSignal,
  ): Promise<void>;
  /** Streams the log's lines so far to `consume` until it returns false; true when the end was reached. */
  scanLog(
    request: BuildLogRequest & { building: boolean },
    consume: (lines: string[]) => boolean,
  ): Promise<boolean>;
  /** A pipeline run's stages, branches and steps (graph view plugin, else stage view). */
  pipelineGraph(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PipelineGraph>;
  /** Streams one step's own log to `consume` until it returns false; true when the end was reached. */
  scanStepLog(request: StepLogRequest, consume: (lines: string[]) => boolean): Promise<boolean>;
  /** One step's last lines, or its lines from `skip`; null when the step printed nothing. */
  stepLogPage(
    request: StepLogRequest & LogPageRequest & { skip?: number | undefined },
  ): Promise<LogPage | null>;
  whoAmI(signal?: AbortSignal): Promise<WhoAmI>;
  status(signal?: AbortSignal): Promise<ServerStatus>;
  /** The first `limit` nodes (built-in node first, then agents by name) and whether more exist. */
  listNodes(limit: number, signal?: AbortSignal): Promise<NodeList>;
  /** Every build an executor runs now, longest running first; its job is in its URL. */
  listRunningBuilds(signal?: AbortSignal): Promise<RunningBuild[]>;
  /** The first `limit` archived artifacts of a build (names only: Jenkins exports no sizes). */
  listArtifacts(path: JobPath, build: BuildRef, limit: number, signal?: AbortSignal): Promise<ArtifactList>;
  /** A page of lines of a text artifact, reading at most `maxBytes`; binary files are only named so. */
  readArtifact(request: ArtifactRequest): Promise<ArtifactText>;
  /** The repositories a job builds: api/json first, config.xml only for pipelines and multibranch projects. */
  jobScm(path: JobPath, signal?: AbortSignal): Promise<JobScm>;
  /** Items below `parent` (or the root) with the repositories api/json names, from one request, kept 30 s. */
  sourceTree(parent: JobPath | undefined): Promise<SourceTree>;
  /** The scripts a pipeline build ran, from its replay page (Run/Replay). */
  replayScripts(path: JobPath, number: number, signal?: AbortSignal): Promise<ReplayScripts>;
  /** Runs a pipeline build again with other scripts; Jenkins tells no queue item. */
  replayBuild(path: JobPath, number: number, scripts: ReplayScripts, signal?: AbortSignal): Promise<void>;
  /** The root's views, nested ones a few levels deep. */
  listViews(signal?: AbortSignal): Promise<ViewList>;
  /** The jobs of a view, by its path from the root ("Ops/Deploys"). */
  viewJobs(view: string, signal?: AbortSignal): Promise<ViewJobs>;
  /** Enables or disables a job (Job/Configure). */
  setJobEnabled(path: JobPath, enabled: boolean, signal?: AbortSignal): Promise<void>;
  /** A build's description, display name and whether Jenkins keeps it forever. */
  buildSettings(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<BuildSettings>;
  /** One change to a build's description, display name, or keep-forever flag (a toggle). */
  changeBuild(path: JobPath, number: number, change: BuildChange, signal?: AbortSignal): Promise<void>;
  /** Checks a declarative pipeline with Jenkins' linter (Pipeline: Declarative plugin). */
  lintPipeline(script: string, signal?: AbortSignal): Promise<LintResult>;
  /** The job's full name as Jenkins spells it, from its URL (decoded branch names become encoded). */
  jobPathFromUrl(url: string): JobPath | undefined;
  close(): Promise<void>;
}

/** The client over HTTP: each method is the request function of its API area, given this Jenkins' HTTP. */
export class HttpJenkinsClient implements JenkinsClient {
  private readonly http: JenkinsHttp;
  private readonly logs: LogReader;
  private readonly flow: FlowReader;
  private readonly canonicalNames = new CanonicalNameCache();
  private readonly trees = new TreeCache();
  private readonly sourceTrees = new TreeCache<SourceTree>();

  /** `traffic` is shared by every identity that talks to this Jenkins (see ControllerTraffic). */
  constructor(config: JenkinsConfig, traffic?: ControllerTraffic) {
    this.http = new JenkinsHttp(config, traffic);
    this.logs = new LogReader(this.http);
    this.flow = new FlowReader(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl.href;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  jobPathFromUrl(url: string): JobPath | undefined {
    return jobPathFromUrl(url, this.baseUrl);
  }

  serverInfo(signal?: AbortSignal): Promise<ServerInfo> {
    return serverInfo(this.http, signal);
  }

  resolveJob(path: JobPath, signal?: AbortSignal): Promise<ResolvedJob> {
    return resolveJob(this.http, this.canonicalNames, path, signal);
  }

  getJob(path: JobPath, signal?: AbortSignal): Promise<Job> {
    return getJob(this.http, path, signal);
  }

  listJobs(parent: JobPath | undefined, skip: number, limit: number, signal?: AbortSignal): Promise<JobPage> {
    return listJobs(this.http, parent, skip, limit, signal);
  }

  getBuild(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<Build & { jobFullName: string }> {
    return getBuild(this.http, path, build, signal);
  }

  buildNumber(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<number> {
    return buildNumber(this.http, path, build, signal);
  }

  buildParameters(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<BuildParameters> {
    return buildParameters(this.http, path, build, signal);
  }

  logTail(request: BuildLogRequest & LogPageRequest): Promise<LogPage> {
    return this.logs.tail(logTarget(request), pageSize(request));
  }

  logForward(request: BuildLogRequest & LogPageRequest & { position: LogPosition }): Promise<LogPage> {
    return this.logs.forward(logTarget(request), request.position, pageSize(request));
  }

  triggerBuild(
    path: JobPath,
    parameters: URLSearchParams | undefined,
    signal?: AbortSignal,
  ): Promise<TriggerResult> {
    return triggerBuild(this.http, path, parameters, signal);
  }

  getQueueItem(id: number, signal?: AbortSignal): Promise<QueueItem> {
    return getQueueItem(this.http, id, signal);
  }

  cancelQueueItem(id: number, signal?: AbortSignal): Promise<void> {
    return cancelQueueItem(this.http, id, signal);
  }

  createJob(
    parent: JobPath | undefined,
    name: string,
    configXml: string,
    signal?: AbortSignal,
  ): Promise<void> {
    return createJob(this.http, parent, name, configXml, signal);
  }

  copyJob(parent: JobPath | undefined, name: string, from: JobPath, signal?: AbortSignal): Promise<void> {
    return copyJob(this.http, parent, name, from, signal);
  }

  jobTree(parent: JobPath | undefined): Promise<JobTree> {
    return jobTree(this.http, this.trees, parent);
  }

  listBuilds(path: JobPath, limit: number, signal?: AbortSignal): Promise<BuildHistory> {
    return listBuilds(this.http, path, limit, signal);
  }

  listQueue(signal?: AbortSignal): Promise<QueueItem[]> {
    return listQueue(this.http, signal);
  }

  buildChanges(path: JobPath, range: BuildRange, signal?: AbortSignal): Promise<ChangeHistory> {
    return buildChanges(this.http, path, range, signal);
  }

  buildStreak(path: JobPath, number: number, signal?: AbortSignal): Promise<BuildStreak> {
    return buildStreak(this.http, path, number, signal);
  }

  stopBuild(path: JobPath, build: BuildRef, how: StopSignal, signal?: AbortSignal): Promise<void> {
    return stopBuild(this.http, path, build, how, signal);
  }

  testReport(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<TestReport> {
    return testReport(this.http, path, build, signal);
  }

  pendingInputs(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PendingInput[]> {
    return pendingInputs(this.http, path, build, signal);
  }

  answerInput(
    path: JobPath,
    build: BuildRef,
    inputId: string,
    answer: InputAnswer,
    signal?: AbortSignal,
  ): Promise<void> {
    return answerInput(this.http, path, build, inputId, answer, signal);
  }

  scanLog(
    request: BuildLogRequest & { building: boolean },
    consume: (lines: string[]) => boolean,
  ): Promise<boolean> {
    return this.logs.scan(logTarget(request), request.building, consume);
  }

  pipelineGraph(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PipelineGraph> {
    return this.flow.graph(path, build, signal);
  }

  scanStepLog(request: StepLogRequest, consume: (lines: string[]) => boolean): Promise<boolean> {
    return scanStepLog(this.logs, request, consume);
  }

  stepLogPage(
    request: StepLogRequest & LogPageRequest & { skip?: number | undefined },
  ): Promise<LogPage | null> {
    return stepLogPage(this.logs, request);
  }

  whoAmI(signal?: AbortSignal): Promise<WhoAmI> {
    return whoAmI(this.http, signal);
  }

  status(signal?: AbortSignal): Promise<ServerStatus> {
    return status(this.http, signal);
  }

  listNodes(limit: number, signal?: AbortSignal): Promise<NodeList> {
    return listNodes(this.http, limit, signal);
  }

  listRunningBuilds(signal?: AbortSignal): Promise<RunningBuild[]> {
    return listRunningBuilds(this.http, signal);
  }

  listArtifacts(path: JobPath, build: BuildRef, limit: number, signal?: AbortSignal): Promise<ArtifactList> {
    return listArtifacts(this.http, path, build, limit, signal);
  }

  readArtifact(request: ArtifactRequest): Promise<ArtifactText> {
    return readArtifact(this.http, request);
  }

  jobScm(path: JobPath, signal?: AbortSignal): Promise<JobScm> {
    return jobScm(this.http, path, signal);
  }

  sourceTree(parent: JobPath | undefined): Promise<SourceTree> {
    return sourceTree(this.http, this.sourceTrees, parent);
  }

  replayScripts(path: JobPath, number: number, signal?: AbortSignal): Promise<ReplayScripts> {
    return replayScripts(this.http, path, number, signal);
  }

  replayBuild(path: JobPath, number: number, scripts: ReplayScripts, signal?: AbortSignal): Promise<void> {
    return replayBuild(this.http, path, number, scripts, signal);
  }

  listViews(signal?: AbortSignal): Promise<ViewList> {
    return listViews(this.http, signal);
  }

  viewJobs(view: string, signal?: AbortSignal): Promise<ViewJobs> {
    return viewJobs(this.http, view, signal);
  }

  setJobEnabled(path: JobPath, enabled: boolean, signal?: AbortSignal): Promise<void> {
    return setJobEnabled(this.http, path, enabled, signal);
  }

  buildSettings(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<BuildSettings> {
    return buildSettings(this.http, path, build, signal);
  }

  changeBuild(path: JobPath, number: number, change: BuildChange, signal?: AbortSignal): Promise<void> {
    return changeBuild(this.http, path, number, change, signal);
  }

  lintPipeline(script: string, signal?: AbortSignal): Promise<LintResult> {
    return lintPipeline(this.http, script, signal);
  }
}

import type { JenkinsConfig } from "../config.js";
import { InvalidInputError, JenkinsError } from "./errors.js";
import { type HttpObserver, JenkinsHttp, type JenkinsRequest } from "./http.js";
import { type LogPage, type LogPosition, LogReader, type LogTarget, type PageSize } from "./logs.js";
import {
  type Build,
  type BuildSummary,
  CHILDREN_COUNTED,
  type Job,
  type JobEntry,
  type JobType,
  jobType,
  type QueueItem,
  type RawBuild,
  type RawBuildSummary,
  type RawJob,
  type RawQueueItem,
  toBuild,
  toBuildSummary,
  toJob,
  toJobEntry,
  toQueueItem,
} from "./model.js";
import { foldName } from "./names.js";
import {
  type BuildRef,
  branchCandidates,
  containerUrlPath,
  describeBuild,
  formatJobPath,
  type JobPath,
  jobPathFromUrl,
  jobUrlPath,
} from "./paths.js";
import {
  type PendingInput,
  type PipelineRun,
  type RawPendingInput,
  type RawRunExt,
  type RawTestReport,
  TEST_REPORT_TREE,
  type TestReport,
  toPendingInput,
  toPipelineRun,
  toTestReport,
} from "./reports.js";
import {
  NODES_TREE,
  QUEUE_STATUS_TREE,
  type RawNodes,
  type RawQueueStatus,
  type RawRootStatus,
  type RawWhoAmI,
  ROOT_STATUS_TREE,
  type ServerStatus,
  toServerStatus,
  toWhoAmI,
  WHO_AM_I_TREE,
  type WhoAmI,
} from "./system.js";
import { type JobTree, TreeCache, toJobTree, treeQuery } from "./tree.js";

export interface ServerInfo {
  version: string;
}

/** An item as `resolveJob` names it: its canonical path, and what kind of item it is. */
export interface ResolvedJob {
  path: JobPath;
  type: JobType;
}

export interface JobPage {
  jobs: JobEntry[];
  /** True when Jenkins has more children after this page. */
  hasMore: boolean;
}

export interface TriggerResult {
  queueItemId: number;
  queueUrl: string;
}

export interface BuildLogRequest {
  path: JobPath;
  build: BuildRef;
  signal?: AbortSignal | undefined;
}

export interface LogPageRequest {
  lines: number;
  maxChars?: number | undefined;
}

export interface BuildHistory {
  jobFullName: string;
  /** Newest first. */
  builds: BuildSummary[];
  /** True when older builds exist than the ones listed. */
  hasMore: boolean;
}

/** How a running build is ended: `stop` asks, pipelines' `term` and `kill` force. */
export type StopSignal = "stop" | "term" | "kill";

export type InputAnswer =
  | { action: "proceed"; parameters?: Array<{ name: string; value: string | boolean }> }
  | { action: "abort" };

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
  getConfigXml(path: JobPath, signal?: AbortSignal): Promise<string>;
  /** Items below `parent` (or the root) a few levels deep, from one request, kept for 30 s. */
  jobTree(parent: JobPath | undefined): Promise<JobTree>;
  /** Up to `limit` (at most 100) most recent builds. */
  listBuilds(path: JobPath, limit: number, signal?: AbortSignal): Promise<BuildHistory>;
  listQueue(signal?: AbortSignal): Promise<QueueItem[]>;
  stopBuild(path: JobPath, build: BuildRef, how: StopSignal, signal?: AbortSignal): Promise<void>;
  testReport(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<TestReport>;
  /** The stages of a pipeline build (Pipeline Stage View plugin). */
  pipelineRun(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PipelineRun>;
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
  whoAmI(signal?: AbortSignal): Promise<WhoAmI>;
  status(signal?: AbortSignal): Promise<ServerStatus>;
  /** The job's full name as Jenkins spells it, from its URL (decoded branch names become encoded). */
  jobPathFromUrl(url: string): JobPath | undefined;
  close(): Promise<void>;
}

const JOB_TREE = [
  "_class,name,fullName,displayName,description,url,buildable,color,inQueue",
  "lastBuild[number,result,building],lastSuccessfulBuild[number],lastFailedBuild[number]",
  "healthReport[score,description]",
  "property[parameterDefinitions[_class,name,type,description,defaultParameterValue[value],choices]]",
  `jobs[_class,name,fullName,url,color]{0,${CHILDREN_COUNTED + 1}}`,
].join(",");

const BUILD_TREE = [
  "number,url,result,building,timestamp,duration,estimatedDuration,displayName",
  "actions[_class,causes[shortDescription],parameters[_class,name,value],failCount,skipCount,totalCount]",
].join(",");

const QUEUE_TREE =
  "_class,id,why,blocked,buildable,stuck,cancelled,inQueueSince,task[fullName,url],executable[number,url]";

const BUILD_SUMMARY_TREE = "number,url,result,building,timestamp,duration,actions[causes[shortDescription]]";

const STOP_ACTIONS: Record<StopSignal, string> = { stop: "stopping", term: "terminating", kill: "killing" };

/**
 * Spellings whose canonical name is remembered, and for how long. A stale entry is safe: requests
 * go to the canonical name the policy decided on, so an item renamed since answers 404, and one
 * recreated under another case is the same name to Jenkins. It only bounds how long an answer may
 * show an item's old spelling.
 */
const CANONICAL_CACHE_SIZE = 1000;
const CANONICAL_TTL_MS = 5 * 60_000;

export class HttpJenkinsClient implements JenkinsClient {
  private readonly http: JenkinsHttp;
  private readonly logs: LogReader;
  private readonly canonical = new Map<string, { job: ResolvedJob; expires: number }>();
  private readonly trees = new TreeCache();

  constructor(config: JenkinsConfig, observer?: HttpObserver) {
    this.http = new JenkinsHttp(config, observer);
    this.logs = new LogReader(this.http);
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

  async serverInfo(signal?: AbortSignal): Promise<ServerInfo> {
    const response = await this.http.send({
      method: "HEAD",
      path: "",
      action: "checking the Jenkins server",
      requireJenkinsHeader: true,
      signal,
    });
    await response.body.dump();
    return { version: String(response.headers["x-jenkins"]) };
  }

  async getJob(jobPath: JobPath, signal?: AbortSignal): Promise<Job> {
    return toJob(
      await this.http.json<RawJob>({
        path: `${jobUrlPath(jobPath)}api/json`,
        query: { tree: JOB_TREE },
        action: `reading job ${formatJobPath(jobPath)}`,
        notFound: jobNotFound(jobPath),
        signal,
      }),
    );
  }

  async listJobs(
    parent: JobPath | undefined,
    skip: number,
    limit: number,
    signal?: AbortSignal,
  ): Promise<JobPage> {
    const list = async (container: JobPath | undefined): Promise<JobPage> => {
      // One more than asked tells whether another page exists, without listing the folder.
      const raw = await this.http.json<RawJob>({
        path: `${containerUrlPath(container)}api/json`,
        query: { tree: `_class,jobs[_class,name,fullName,color]{${skip},${skip + limit + 1}}` },
        action: container ? `listing the jobs in ${formatJobPath(container)}` : "listing the jobs",
        ...(container ? { notFound: `Folder "${formatJobPath(container)}" was not found` } : {}),
        signal,
      });
      if (container && raw.jobs === undefined) throw notAFolder(container, raw);
      const parentName = container ? formatJobPath(container) : undefined;
      const jobs = (raw.jobs ?? []).map((job) => toJobEntry(job, parentName));
      return { jobs: jobs.slice(0, limit), hasMore: jobs.length > limit };
    };
    return list(parent);
  }

  async getBuild(
    jobPath: JobPath,
    build: BuildRef,
    signal?: AbortSignal,
  ): Promise<Build & { jobFullName: string }> {
    const raw = await this.http.json<RawBuild>({
      path: `${jobUrlPath(jobPath)}${build}/api/json`,
      query: { tree: BUILD_TREE },
      action: `reading build ${describeBuild(jobPath, build)}`,
      notFound: buildNotFound(jobPath, build),
      signal,
    });
    return { jobFullName: formatJobPath(jobPath), ...toBuild(raw) };
  }

  async buildNumber(jobPath: JobPath, build: BuildRef, signal?: AbortSignal): Promise<number> {
    if (typeof build === "number") return build;
    const raw = await this.http.json<{ number: number }>({
      path: `${jobUrlPath(jobPath)}${build}/api/json`,
      query: { tree: "number" },
      action: `reading build ${describeBuild(jobPath, build)}`,
      notFound: buildNotFound(jobPath, build),
      signal,
    });
    return raw.number;
  }

  logTail(request: BuildLogRequest & LogPageRequest): Promise<LogPage> {
    return this.logs.tail(logTarget(request.path, request), pageSize(request));
  }

  logForward(request: BuildLogRequest & LogPageRequest & { position: LogPosition }): Promise<LogPage> {
    return this.logs.forward(logTarget(request.path, request), request.position, pageSize(request));
  }

  async triggerBuild(
    jobPath: JobPath,
    parameters: URLSearchParams | undefined,
    signal?: AbortSignal,
  ): Promise<TriggerResult> {
    const response = await this.http.send({
      method: "POST",
      path: `${jobUrlPath(jobPath)}${parameters ? "buildWithParameters" : "build"}`,
      ...(parameters
        ? { body: parameters.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }
        : {}),
      accept: [303],
      action: `triggering ${formatJobPath(jobPath)}`,
      notFound: jobNotFound(jobPath),
      mutating: true,
      signal,
    });
    await response.body.dump();
    const location = String(response.headers.location ?? "");
    const id = /\/queue\/item\/(\d+)\/?$/.exec(location)?.[1];
    if (!id) {
      throw new JenkinsError(
        "unexpected",
        `Jenkins accepted the trigger of ${formatJobPath(jobPath)} but did not say which queue item it made; check the job with getJob before triggering again.`,
      );
    }
    return { queueItemId: Number(id), queueUrl: new URL(location, this.http.baseUrl).href };
  }

  async getQueueItem(id: number, signal?: AbortSignal): Promise<QueueItem> {
    const raw = await this.http.json<RawQueueItem>({
      path: `queue/item/${id}/api/json`,
      query: { tree: QUEUE_TREE },
      action: `reading queue item ${id}`,
      notFound: `Queue item ${id} was not found: it never existed, or it left the queue more than 5 minutes ago`,
      signal,
    });
    return toQueueItem(raw);
  }

  async cancelQueueItem(id: number, signal?: AbortSignal): Promise<void> {
    const response = await this.http.send({
      method: "POST",
      path: "queue/cancelItem",
      query: { id },
      // Older Jenkins answers the cancel with a redirect to the queue page.
      accept: [302, 303],
      action: `cancelling queue item ${id}`,
      notFound: `Queue item ${id} was not found: it never existed, or it already left the queue`,
      mutating: true,
      signal,
    });
    await response.body.dump();
  }

  createJob(
    parent: JobPath | undefined,
    name: string,
    configXml: string,
    signal?: AbortSignal,
  ): Promise<void> {
    return this.createItem(parent, signal, (container) => ({
      query: { name },
      headers: { "content-type": "application/xml; charset=utf-8" },
      body: configXml,
      action: `creating job ${fullNameIn(container, name)}`,
    }));
  }

  copyJob(parent: JobPath | undefined, name: string, from: JobPath, signal?: AbortSignal): Promise<void> {
    return this.createItem(parent, signal, (container) => ({
      // A leading slash makes Jenkins read `from` as a full name, not relative to the folder.
      query: { name, mode: "copy", from: `/${formatJobPath(from)}` },
      accept: [302, 303],
      action: `copying ${formatJobPath(from)} to ${fullNameIn(container, name)}`,
    }));
  }

  /** POSTs createItem in the root or in folder `parent` (named as users spell it). */
  private async createItem(
    parent: JobPath | undefined,
    signal: AbortSignal | undefined,
    request: (container: JobPath | undefined) => Omit<JenkinsRequest, "path">,
  ): Promise<void> {
    const create = async (container: JobPath | undefined) => {
      const response = await this.http.send({
        method: "POST",
        path: `${containerUrlPath(container)}createItem`,
        ...(container ? { notFound: `Folder "${formatJobPath(container)}" was not found` } : {}),
        mutating: true,
        signal,
        ...request(container),
      });
      await response.body.dump();
    };
    await create(parent);
  }

  getConfigXml(jobPath: JobPath, signal?: AbortSignal): Promise<string> {
    return this.http.text({
      path: `${jobUrlPath(jobPath)}config.xml`,
      action: `reading the configuration of ${formatJobPath(jobPath)}`,
      notFound: jobNotFound(jobPath),
      signal,
    });
  }

  jobTree(parent: JobPath | undefined): Promise<JobTree> {
    // Shared by every caller for a while, so no caller's signal may cancel the read.
    const read = (container: JobPath | undefined) => async () => {
      const raw = await this.http.json<RawJob>({
        path: `${containerUrlPath(container)}api/json`,
        query: { tree: `_class,${treeQuery()}` },
        action: container ? `reading the jobs below ${formatJobPath(container)}` : "reading the jobs",
        ...(container ? { notFound: `Folder "${formatJobPath(container)}" was not found` } : {}),
      });
      if (container && raw.jobs === undefined) throw notAFolder(container, raw);
      return toJobTree(raw);
    };
    if (!parent) return this.trees.get("", read(undefined));
    return this.trees.get(formatJobPath(parent), read(parent));
  }

  async listBuilds(jobPath: JobPath, limit: number, signal?: AbortSignal): Promise<BuildHistory> {
    const raw = await this.http.json<
      RawJob & { builds?: RawBuildSummary[]; firstBuild?: { number: number } | null }
    >({
      path: `${jobUrlPath(jobPath)}api/json`,
      query: { tree: `_class,fullName,firstBuild[number],builds[${BUILD_SUMMARY_TREE}]{0,${limit}}` },
      action: `listing the builds of ${formatJobPath(jobPath)}`,
      notFound: jobNotFound(jobPath),
      signal,
    });
    if (raw.builds === undefined) {
      throw new InvalidInputError(
        `"${formatJobPath(jobPath)}" is a ${jobType(raw._class)}, which has no builds of its own: find its jobs with searchJobs or getJobs.`,
      );
    }
    const builds = raw.builds.map(toBuildSummary);
    const oldest = builds.at(-1)?.number;
    return {
      jobFullName: raw.fullName ?? formatJobPath(jobPath),
      builds,
      hasMore: oldest !== undefined && (raw.firstBuild?.number ?? oldest) < oldest,
    };
  }

  async listQueue(signal?: AbortSignal): Promise<QueueItem[]> {
    const raw = await this.http.json<{ items?: RawQueueItem[] }>({
      path: "queue/api/json",
      query: { tree: `items[${QUEUE_TREE}]` },
      action: "reading the queue",
      signal,
    });
    return (raw.items ?? []).map(toQueueItem);
  }

  async stopBuild(jobPath: JobPath, build: BuildRef, how: StopSignal, signal?: AbortSignal): Promise<void> {
    const response = await this.http.send({
      method: "POST",
      path: `${jobUrlPath(jobPath)}${build}/${how}`,
      // Jenkins answers with a redirect back to the page the request came from.
      accept: [302, 303],
      action: `${STOP_ACTIONS[how]} ${describeBuild(jobPath, build)}`,
      notFound:
        how === "stop"
          ? buildNotFound(jobPath, build)
          : `${describeBuild(jobPath, build)} has no /${how}: only pipeline builds can be forced to end`,
      mutating: true,
      signal,
    });
    await response.body.dump();
  }

  async testReport(jobPath: JobPath, build: BuildRef, signal?: AbortSignal): Promise<TestReport> {
    return toTestReport(
      await this.http.json<RawTestReport>({
        path: `${jobUrlPath(jobPath)}${build}/testReport/api/json`,
        query: { tree: TEST_REPORT_TREE },
        action: `reading the test results of ${describeBuild(jobPath, build)}`,
        notFound: `${describeBuild(jobPath, build)} has no test results: it published no JUnit report (or the build does not exist)`,
        signal,
      }),
    );
  }

  async pipelineRun(jobPath: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PipelineRun> {
    return toPipelineRun(
      await this.http.json<RawRunExt>({
        path: `${jobUrlPath(jobPath)}${build}/wfapi/describe`,
        action: `reading the stages of ${describeBuild(jobPath, build)}`,
        notFound: notAPipeline(jobPath, build),
        // The stage view's REST API answers plain JSON, without Jenkins' headers.
        requireJenkinsHeader: false,
        signal,
      }),
    );
  }

  async pendingInputs(jobPath: JobPath, build: BuildRef, signal?: AbortSignal): Promise<PendingInput[]> {
    const raw = await this.http.json<RawPendingInput[] | null>({
      path: `${jobUrlPath(jobPath)}${build}/wfapi/pendingInputActions`,
      action: `reading the inputs waiting in ${describeBuild(jobPath, build)}`,
      notFound: notAPipeline(jobPath, build),
      requireJenkinsHeader: false,
      signal,
    });
    return (raw ?? []).map(toPendingInput);
  }

  async answerInput(
    jobPath: JobPath,
    build: BuildRef,
    inputId: string,
    answer: InputAnswer,
    signal?: AbortSignal,
  ): Promise<void> {
    const parameters = answer.action === "proceed" ? (answer.parameters ?? []) : [];
    const verb = answer.action === "abort" ? "abort" : parameters.length > 0 ? "proceed" : "proceedEmpty";
    const response = await this.http.send({
      method: "POST",
      path: `${jobUrlPath(jobPath)}${build}/input/${encodeURIComponent(inputId)}/${verb}`,
      // InputStepExecution reads the values from Stapler's `json` form field, as its own form sends them.
      ...(verb === "proceed"
        ? {
            body: new URLSearchParams({ json: JSON.stringify({ parameter: parameters }) }).toString(),
            headers: { "content-type": "application/x-www-form-urlencoded" },
          }
        : {}),
      accept: [302, 303],
      action: `${answer.action === "abort" ? "aborting" : "approving"} input "${inputId}" of ${describeBuild(jobPath, build)}`,
      notFound: `Input "${inputId}" of ${describeBuild(jobPath, build)} is not waiting: it was answered already, or never existed; list the waiting ones with getPendingInputs`,
      mutating: true,
      signal,
    });
    await response.body.dump();
  }

  scanLog(
    request: BuildLogRequest & { building: boolean },
    consume: (lines: string[]) => boolean,
  ): Promise<boolean> {
    return this.logs.scan(logTarget(request.path, request), request.building, consume);
  }

  async whoAmI(signal?: AbortSignal): Promise<WhoAmI> {
    return toWhoAmI(
      await this.http.json<RawWhoAmI>({
        path: "whoAmI/api/json",
        query: { tree: WHO_AM_I_TREE },
        action: "asking Jenkins who the server is",
        signal,
      }),
    );
  }

  async status(signal?: AbortSignal): Promise<ServerStatus> {
    const [info, root, queue, nodes] = await Promise.all([
      this.serverInfo(signal),
      this.http.json<RawRootStatus>({
        path: "api/json",
        query: { tree: ROOT_STATUS_TREE },
        action: "reading Jenkins' state",
        signal,
      }),
      this.http.json<RawQueueStatus>({
        path: "queue/api/json",
        query: { tree: QUEUE_STATUS_TREE },
        action: "reading the queue",
        signal,
      }),
      this.http.json<RawNodes>({
        path: "computer/api/json",
        query: { tree: NODES_TREE },
        action: "reading the nodes",
        signal,
      }),
    ]);
    return toServerStatus(info.version, root, queue, nodes);
  }

  async resolveJob(path: JobPath, signal?: AbortSignal): Promise<ResolvedJob> {
    const key = foldName(formatJobPath(path));
    const known = this.canonical.get(key);
    if (known && known.expires > Date.now()) return known.job;
    let canonical: ResolvedJob;
    try {
      canonical = await this.readFullName(path, signal);
    } catch (error) {
      if (!(error instanceof JenkinsError && error.kind === "notFound")) throw error;
      const branch = await this.findBranch(path, signal);
      if (!branch) throw error;
      canonical = await this.readFullName(branch, signal);
    }
    this.remember(key, canonical);
    return canonical;
  }

  /** The smallest read that names an item: its full name and class, nothing else. */
  private async readFullName(path: JobPath, signal?: AbortSignal): Promise<ResolvedJob> {
    const raw = await this.http.json<{ _class?: string; fullName?: string }>({
      path: `${jobUrlPath(path)}api/json`,
      query: { tree: "_class,fullName" },
      action: `reading job ${formatJobPath(path)}`,
      notFound: jobNotFound(path),
      signal,
    });
    if (!raw.fullName) {
      throw new JenkinsError(
        "unexpected",
        `Jenkins answered for "${formatJobPath(path)}" without the item's full name; is the URL a Jenkins controller?`,
      );
    }
    return { path: raw.fullName.split("/"), type: jobType(raw._class) };
  }

  /**
   * The branch a decoded multibranch name spells (`mb/feature/login` is branch item
   * `feature%2Flogin` of `mb`), when a parent is a multibranch project.
   */
  private async findBranch(path: JobPath, signal?: AbortSignal): Promise<JobPath | undefined> {
    for (const { parent, branch } of branchCandidates(path)) {
      try {
        const raw = await this.http.json<RawJob>({
          path: `${jobUrlPath(parent)}api/json`,
          query: { tree: "_class" },
          action: `reading ${formatJobPath(parent)}`,
          signal,
        });
        if (jobType(raw._class) === "multibranch") return [...parent, branch];
      } catch (error) {
        if (!(error instanceof JenkinsError && error.kind === "notFound")) throw error;
      }
    }
    return undefined;
  }

  private remember(key: string, job: ResolvedJob): void {
    this.canonical.delete(key);
    if (this.canonical.size >= CANONICAL_CACHE_SIZE) {
      const oldest = this.canonical.keys().next().value;
      if (oldest !== undefined) this.canonical.delete(oldest);
    }
    this.canonical.set(key, { job, expires: Date.now() + CANONICAL_TTL_MS });
  }
}

function logTarget(jobPath: JobPath, request: BuildLogRequest): LogTarget {
  return {
    buildPath: `${jobUrlPath(jobPath)}${request.build}/`,
    action: `reading the log of ${describeBuild(jobPath, request.build)}`,
    notFound: buildNotFound(jobPath, request.build),
    signal: request.signal,
  };
}

function pageSize(request: LogPageRequest): PageSize {
  return { lines: request.lines, chars: request.maxChars ?? Number.POSITIVE_INFINITY };
}

function notAFolder(container: JobPath, raw: RawJob): InvalidInputError {
  return new InvalidInputError(
    `"${formatJobPath(container)}" is a ${jobType(raw._class)} job, not a folder: it has no jobs to list. Use getJob to read it.`,
  );
}

function notAPipeline(path: JobPath, build: BuildRef): string {
  return `${describeBuild(path, build)} has no pipeline stages or inputs: it is not a pipeline build (or the build, or the Pipeline Stage View plugin, is missing)`;
}

function fullNameIn(container: JobPath | undefined, name: string): string {
  return container ? `${formatJobPath(container)}/${name}` : name;
}

function jobNotFound(path: JobPath): string {
  return `Job "${formatJobPath(path)}" was not found: check the name with getJobs (folders are separated by /)`;
}

function buildNotFound(path: JobPath, build: BuildRef): string {
  return typeof build === "number"
    ? `Build #${build} of "${formatJobPath(path)}" was not found (or the job does not exist): check the build numbers with getJob`
    : `"${formatJobPath(path)}" has no ${build} (or the job does not exist): it may have no builds of that kind yet`;
}

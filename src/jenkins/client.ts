import type { JenkinsConfig } from "../config.js";
import { InvalidInputError, JenkinsError } from "./errors.js";
import { type HttpObserver, JenkinsHttp, type JenkinsRequest } from "./http.js";
import { type LogPage, type LogPosition, LogReader, type LogTarget } from "./logs.js";
import {
  type Build,
  CHILDREN_COUNTED,
  type Job,
  type JobSummary,
  jobType,
  type QueueItem,
  type RawBuild,
  type RawJob,
  type RawQueueItem,
  toBuild,
  toJob,
  toJobSummary,
  toQueueItem,
} from "./model.js";
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

export interface ServerInfo {
  version: string;
}

export interface JobPage {
  jobs: JobSummary[];
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

/** One method per Jenkins operation the tools need; tools never see HTTP. */
export interface JenkinsClient {
  readonly baseUrl: string;
  serverInfo(signal?: AbortSignal): Promise<ServerInfo>;
  getJob(path: JobPath, signal?: AbortSignal): Promise<Job>;
  listJobs(parent: JobPath | undefined, skip: number, limit: number, signal?: AbortSignal): Promise<JobPage>;
  getBuild(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<Build & { jobFullName: string }>;
  /** The build number a permalink points at now, and whether it runs. */
  resolveBuild(
    path: JobPath,
    build: BuildRef,
    signal?: AbortSignal,
  ): Promise<{ jobPath: JobPath; number: number }>;
  logTail(request: BuildLogRequest & { lines: number }): Promise<LogPage>;
  logForward(request: BuildLogRequest & { position: LogPosition; lines: number }): Promise<LogPage>;
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
  "_class,id,why,blocked,buildable,stuck,cancelled,inQueueSince,task[name,url],executable[number,url]";

/** A cap on remembered multibranch spellings (`mb/feature/login` → `mb/feature%2Flogin`). */
const ALIAS_CACHE_SIZE = 500;

export class HttpJenkinsClient implements JenkinsClient {
  private readonly http: JenkinsHttp;
  private readonly logs: LogReader;
  private readonly aliases = new Map<string, JobPath>();

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

  getJob(path: JobPath, signal?: AbortSignal): Promise<Job> {
    return this.onJob(path, async (jobPath) =>
      toJob(
        await this.http.json<RawJob>({
          path: `${jobUrlPath(jobPath)}api/json`,
          query: { tree: JOB_TREE },
          action: `reading job ${formatJobPath(jobPath)}`,
          notFound: jobNotFound(jobPath),
          signal,
        }),
      ),
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
        query: { tree: `_class,jobs[_class,name,fullName,url,color]{${skip},${skip + limit + 1}}` },
        action: container ? `listing the jobs in ${formatJobPath(container)}` : "listing the jobs",
        ...(container ? { notFound: `Folder "${formatJobPath(container)}" was not found` } : {}),
        signal,
      });
      if (container && raw.jobs === undefined) {
        throw new InvalidInputError(
          `"${formatJobPath(container)}" is a ${jobType(raw._class)} job, not a folder: it has no jobs to list. Use getJob to read it.`,
        );
      }
      const parentName = container ? formatJobPath(container) : undefined;
      const jobs = (raw.jobs ?? []).map((job) => toJobSummary(job, parentName));
      return { jobs: jobs.slice(0, limit), hasMore: jobs.length > limit };
    };
    return parent ? this.onJob(parent, list) : list(undefined);
  }

  getBuild(path: JobPath, build: BuildRef, signal?: AbortSignal): Promise<Build & { jobFullName: string }> {
    return this.onJob(path, async (jobPath) => {
      const raw = await this.http.json<RawBuild>({
        path: `${jobUrlPath(jobPath)}${build}/api/json`,
        query: { tree: BUILD_TREE },
        action: `reading build ${describeBuild(jobPath, build)}`,
        notFound: buildNotFound(jobPath, build),
        signal,
      });
      return { jobFullName: formatJobPath(jobPath), ...toBuild(raw) };
    });
  }

  resolveBuild(
    path: JobPath,
    build: BuildRef,
    signal?: AbortSignal,
  ): Promise<{ jobPath: JobPath; number: number }> {
    return this.onJob(path, async (jobPath) => {
      if (typeof build === "number") return { jobPath, number: build };
      const raw = await this.http.json<{ number: number }>({
        path: `${jobUrlPath(jobPath)}${build}/api/json`,
        query: { tree: "number" },
        action: `reading build ${describeBuild(jobPath, build)}`,
        notFound: buildNotFound(jobPath, build),
        signal,
      });
      return { jobPath, number: raw.number };
    });
  }

  logTail(request: BuildLogRequest & { lines: number }): Promise<LogPage> {
    return this.onJob(request.path, (jobPath) => this.logs.tail(logTarget(jobPath, request), request.lines));
  }

  logForward(request: BuildLogRequest & { position: LogPosition; lines: number }): Promise<LogPage> {
    return this.onJob(request.path, (jobPath) =>
      this.logs.forward(logTarget(jobPath, request), request.position, request.lines),
    );
  }

  triggerBuild(
    path: JobPath,
    parameters: URLSearchParams | undefined,
    signal?: AbortSignal,
  ): Promise<TriggerResult> {
    return this.onJob(path, async (jobPath) => {
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
    });
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
    await (parent ? this.onJob(parent, create) : create(undefined));
  }

  getConfigXml(path: JobPath, signal?: AbortSignal): Promise<string> {
    return this.onJob(path, (jobPath) =>
      this.http.text({
        path: `${jobUrlPath(jobPath)}config.xml`,
        action: `reading the configuration of ${formatJobPath(jobPath)}`,
        notFound: jobNotFound(jobPath),
        signal,
      }),
    );
  }

  /**
   * Runs `operation` on the job as named; when Jenkins has no such job and a parent is a
   * multibranch project, runs it again on the branch the rest of the name spells
   * (`mb/feature/login` → branch item `feature%2Flogin`).
   */
  private async onJob<T>(path: JobPath, operation: (path: JobPath) => Promise<T>): Promise<T> {
    const known = this.aliases.get(formatJobPath(path));
    try {
      return await operation(known ?? path);
    } catch (error) {
      if (known || !(error instanceof JenkinsError && error.kind === "notFound")) throw error;
      const branch = await this.findBranch(path);
      if (!branch) throw error;
      this.remember(path, branch);
      return operation(branch);
    }
  }

  private async findBranch(path: JobPath): Promise<JobPath | undefined> {
    for (const { parent, branch } of branchCandidates(path)) {
      try {
        const raw = await this.http.json<RawJob>({
          path: `${jobUrlPath(parent)}api/json`,
          query: { tree: "_class" },
          action: `reading ${formatJobPath(parent)}`,
        });
        if (jobType(raw._class) === "multibranch") return [...parent, branch];
      } catch (error) {
        if (!(error instanceof JenkinsError && error.kind === "notFound")) throw error;
      }
    }
    return undefined;
  }

  private remember(path: JobPath, branch: JobPath): void {
    if (this.aliases.size >= ALIAS_CACHE_SIZE) {
      const oldest = this.aliases.keys().next().value;
      if (oldest !== undefined) this.aliases.delete(oldest);
    }
    this.aliases.set(formatJobPath(path), branch);
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

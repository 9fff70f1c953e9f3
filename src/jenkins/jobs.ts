import { InvalidInputError, type NotFound } from "./errors.js";
import type { JenkinsHttp, JenkinsRequest } from "./http.js";
import { isContainer, type JobType, jobStatus, jobType } from "./items.js";
import {
  type ParameterDefinition,
  type RawParameterDefinition,
  toParameterDefinition,
} from "./parameters.js";
import { containerUrlPath, formatJobPath, type JobPath, jobUrlPath } from "./paths.js";
import { type JobTree, type TreeCache, toJobTree, treeQuery } from "./tree.js";

/** Jobs and folders: reading one, listing a folder, creating items, and the tree searches read. */

/** Jenkins JSON as `tree` selects it: only the fields we ask for, each possibly absent. */
export interface RawJob {
  _class?: string;
  name?: string;
  fullName?: string;
  displayName?: string;
  description?: string | null;
  url?: string;
  buildable?: boolean;
  color?: string;
  inQueue?: boolean;
  lastBuild?: { number: number; result: string | null; building?: boolean } | null;
  lastSuccessfulBuild?: { number: number } | null;
  lastFailedBuild?: { number: number } | null;
  healthReport?: Array<{ score: number; description: string }>;
  property?: Array<{ _class?: string; parameterDefinitions?: RawParameterDefinition[] }>;
  jobs?: RawJob[];
}

/** A job as a page of a list shows it: no URL, which reading the job gives, so that 50 of them stay small. */
export interface JobEntry {
  name: string;
  fullName: string;
  type: JobType;
  /** Jenkins' colour without `_anime` (blue, red, yellow, aborted, notbuilt, disabled), or null for folders. */
  status: string | null;
}

export interface JobSummary extends JobEntry {
  url: string;
}

export interface Job extends JobSummary {
  description: string | null;
  buildable: boolean;
  building: boolean;
  inQueue: boolean;
  lastBuild: { number: number; result: string | null; building: boolean } | null;
  lastSuccessfulBuildNumber: number | null;
  lastFailedBuildNumber: number | null;
  health: { score: number; description: string } | null;
  parameters: ParameterDefinition[];
  /** Folders and multibranch projects only. */
  jobCount?: number | null;
  children?: JobSummary[];
}

export interface JobPage {
  jobs: JobEntry[];
  /** True when Jenkins has more children after this page. */
  hasMore: boolean;
}

const CHILDREN_SHOWN = 20;
const CHILDREN_COUNTED = 100;

const JOB_TREE = [
  "_class,name,fullName,displayName,description,url,buildable,color,inQueue",
  "lastBuild[number,result,building],lastSuccessfulBuild[number],lastFailedBuild[number]",
  "healthReport[score,description]",
  "property[parameterDefinitions[_class,name,type,description,defaultParameterValue[value],choices]]",
  `jobs[_class,name,fullName,url,color]{0,${CHILDREN_COUNTED + 1}}`,
].join(",");

export async function getJob(http: JenkinsHttp, path: JobPath, signal?: AbortSignal): Promise<Job> {
  return toJob(
    await http.json<RawJob>({
      path: `${jobUrlPath(path)}api/json`,
      query: { tree: JOB_TREE },
      action: `reading job ${formatJobPath(path)}`,
      notFound: jobNotFound(path),
      reusable: true,
      signal,
    }),
  );
}

export async function listJobs(
  http: JenkinsHttp,
  parent: JobPath | undefined,
  skip: number,
  limit: number,
  signal?: AbortSignal,
): Promise<JobPage> {
  // One more than asked tells whether another page exists, without listing the folder.
  const raw = await readContainer(http, parent, {
    tree: `_class,jobs[_class,name,fullName,color]{${skip},${skip + limit + 1}}`,
    action: parent ? `listing the jobs in ${formatJobPath(parent)}` : "listing the jobs",
    signal,
  });
  const parentName = parent ? formatJobPath(parent) : undefined;
  const jobs = (raw.jobs ?? []).map((job) => toJobEntry(job, parentName));
  return { jobs: jobs.slice(0, limit), hasMore: jobs.length > limit };
}

/** Items below `parent` (or the root) a few levels deep, from one request, kept in `trees`. */
export function jobTree(http: JenkinsHttp, trees: TreeCache, parent: JobPath | undefined): Promise<JobTree> {
  // Shared by every caller for a while, so no caller's signal may cancel the read.
  const read = async () =>
    toJobTree(
      await readContainer(http, parent, {
        tree: `_class,${treeQuery()}`,
        action: parent ? `reading the jobs below ${formatJobPath(parent)}` : "reading the jobs",
      }),
    );
  return trees.get(parent ? formatJobPath(parent) : "", read);
}

export function createJob(
  http: JenkinsHttp,
  parent: JobPath | undefined,
  name: string,
  configXml: string,
  signal?: AbortSignal,
): Promise<void> {
  return createItem(http, parent, {
    query: { name },
    headers: { "content-type": "application/xml; charset=utf-8" },
    body: configXml,
    action: `creating job ${fullNameIn(parent, name)}`,
    signal,
  });
}

export function copyJob(
  http: JenkinsHttp,
  parent: JobPath | undefined,
  name: string,
  from: JobPath,
  signal?: AbortSignal,
): Promise<void> {
  return createItem(http, parent, {
    // A leading slash makes Jenkins read `from` as a full name, not relative to the folder.
    query: { name, mode: "copy", from: `/${formatJobPath(from)}` },
    accept: [302, 303],
    action: `copying ${formatJobPath(from)} to ${fullNameIn(parent, name)}`,
    signal,
  });
}

/**
 * ParameterizedJobMixIn.ParameterizedJob.doEnable / doDisable: @RequirePOST, Item.CONFIGURE, a
 * redirect to the job. Multibranch branch jobs refuse it (403), whoever asks.
 */
export async function setJobEnabled(
  http: JenkinsHttp,
  path: JobPath,
  enabled: boolean,
  signal?: AbortSignal,
): Promise<void> {
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${enabled ? "enable" : "disable"}`,
    accept: [302, 303],
    action: `${enabled ? "enabling" : "disabling"} ${formatJobPath(path)}`,
    notFound: jobNotFound(path),
    mutating: true,
    signal,
  });
  await response.body.dump();
}

export function jobNotFound(path: JobPath): NotFound {
  return { sentence: `Job "${formatJobPath(path)}" was not found`, subject: "job" };
}

/** The root's or folder `parent`'s JSON as `tree` selects it; refused when `parent` is a job. */
export async function readContainer<Raw extends { _class?: string; jobs?: unknown[] } = RawJob>(
  http: JenkinsHttp,
  parent: JobPath | undefined,
  request: { tree: string; action: string; signal?: AbortSignal | undefined },
): Promise<Raw> {
  const raw = await http.json<Raw>({
    path: `${containerUrlPath(parent)}api/json`,
    query: { tree: request.tree },
    action: request.action,
    notFound: folderNotFound(parent),
    reusable: true,
    signal: request.signal,
  });
  if (parent && raw.jobs === undefined) {
    throw new InvalidInputError(
      `"${formatJobPath(parent)}" is a ${jobType(raw._class)} job, not a folder: it has no jobs to list.`,
      "notAFolder",
    );
  }
  return raw;
}

/** POSTs createItem in the root or in folder `parent`. */
async function createItem(
  http: JenkinsHttp,
  parent: JobPath | undefined,
  request: Omit<JenkinsRequest, "path">,
): Promise<void> {
  const response = await http.send({
    method: "POST",
    path: `${containerUrlPath(parent)}createItem`,
    notFound: folderNotFound(parent),
    mutating: true,
    ...request,
  });
  await response.body.dump();
}

function folderNotFound(parent: JobPath | undefined): NotFound | undefined {
  return parent ? { sentence: `Folder "${formatJobPath(parent)}" was not found` } : undefined;
}

function fullNameIn(parent: JobPath | undefined, name: string): string {
  return parent ? `${formatJobPath(parent)}/${name}` : name;
}

function toJobEntry(raw: RawJob, parentFullName?: string): JobEntry {
  const name = raw.name ?? "";
  return {
    name,
    fullName: raw.fullName ?? (parentFullName ? `${parentFullName}/${name}` : name),
    type: jobType(raw._class),
    status: jobStatus(raw.color),
  };
}

function toJobSummary(raw: RawJob, parentFullName?: string): JobSummary {
  return { ...toJobEntry(raw, parentFullName), url: raw.url ?? "" };
}

function toParameterDefinitions(raw: RawJob): ParameterDefinition[] {
  const definitions = raw.property?.flatMap((property) => property.parameterDefinitions ?? []) ?? [];
  return definitions.map(toParameterDefinition);
}

function toJob(raw: RawJob): Job {
  const summary = toJobSummary(raw);
  const color = raw.color ?? "";
  const health = raw.healthReport?.[0];
  const job: Job = {
    ...summary,
    description: raw.description || null,
    buildable: raw.buildable ?? false,
    building: color.endsWith("_anime") || raw.lastBuild?.building === true,
    inQueue: raw.inQueue ?? false,
    lastBuild: raw.lastBuild
      ? {
          number: raw.lastBuild.number,
          result: raw.lastBuild.result,
          building: raw.lastBuild.building ?? false,
        }
      : null,
    lastSuccessfulBuildNumber: raw.lastSuccessfulBuild?.number ?? null,
    lastFailedBuildNumber: raw.lastFailedBuild?.number ?? null,
    health: health ? { score: health.score, description: health.description } : null,
    parameters: toParameterDefinitions(raw),
  };
  if (isContainer(summary.type)) {
    const children = raw.jobs ?? [];
    job.jobCount = children.length > CHILDREN_COUNTED ? null : children.length;
    job.children = children.slice(0, CHILDREN_SHOWN).map((child) => toJobSummary(child, summary.fullName));
  }
  return job;
}

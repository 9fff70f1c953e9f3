import { JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { isContainer, type JobType, jobType } from "./items.js";
import { jobNotFound, readContainer } from "./jobs.js";
import { formatJobPath, type JobPath, jobUrlPath } from "./paths.js";
import type { TreeCache } from "./tree.js";

/**
 * Which repositories a job builds (checked in the git plugin, workflow-cps, workflow-job,
 * branch-api and workflow-multibranch sources, 2026):
 * - api/json exports a freestyle job's `scm` (AbstractProject.getScm): GitSCM's `userRemoteConfigs
 *   [url]` and `branches[name]`; a branch job's BranchJobProperty `branch.scm`, the same GitSCM; and
 *   each build's BuildData `remoteUrls` (what it checked out, shared libraries included);
 * - a pipeline's definition (WorkflowJob.getDefinition) and a multibranch source's remote
 *   (GitSCMSource.getRemote) are NOT exported: they are read from config.xml, which needs the
 *   Extended Read permission.
 * So getJobScm asks config.xml only for a pipeline or a multibranch project, and the search reads
 * one bounded tree of what api/json tells.
 */

interface Repository {
  url: string;
  /** BranchSpec names ("*\/main"); empty for a multibranch source, which discovers its branches. */
  branches: string[];
  /** A pipeline's Jenkinsfile path, from a CpsScmFlowDefinition or a multibranch factory. */
  scriptPath: string | null;
}

export interface JobScm {
  fullName: string;
  type: JobType;
  /** From the job's configuration: its SCM, its pipeline's, or its multibranch source. */
  repositories: Repository[];
  /** What the last build checked out (BuildData), shared libraries included; null without builds. */
  lastBuildRemotes: string[] | null;
  /** Why the configuration says less than it could: config.xml refused, an inline script, another SCM. */
  note: string | null;
}

interface RawGitScm {
  _class?: string;
  userRemoteConfigs?: Array<{ url?: string | null }>;
  branches?: Array<{ name?: string | null }>;
}

interface RawScmItem {
  _class?: string;
  name?: string;
  fullName?: string;
  scm?: RawGitScm | null;
  property?: Array<{ _class?: string; branch?: { scm?: RawGitScm | null } | null } | null>;
  lastBuild?: { actions?: Array<{ remoteUrls?: string[] } | null> } | null;
  jobs?: RawScmItem[];
}

const GIT_SCM = "[_class,userRemoteConfigs[url],branches[name]]";
const SCM_FIELDS = `_class,name,fullName,scm${GIT_SCM},property[_class,branch[scm${GIT_SCM}]],lastBuild[actions[remoteUrls]]`;

export async function jobScm(http: JenkinsHttp, path: JobPath, signal?: AbortSignal): Promise<JobScm> {
  const raw = await http.json<RawScmItem>({
    path: `${jobUrlPath(path)}api/json`,
    query: { tree: SCM_FIELDS },
    action: `reading the SCM of ${formatJobPath(path)}`,
    notFound: jobNotFound(path),
    signal,
  });
  const type = jobType(raw._class);
  const fromApi = configuredRepositories(raw);
  const result: JobScm = {
    fullName: raw.fullName ?? formatJobPath(path),
    type,
    repositories: fromApi,
    lastBuildRemotes: raw.lastBuild ? remotesOf(raw.lastBuild) : null,
    note: null,
  };
  if (fromApi.length > 0 || (type !== "pipeline" && type !== "multibranch")) return result;
  const xml = await readConfig(http, path, signal);
  if (xml === null) {
    result.note = `config.xml, where Jenkins keeps a ${type === "pipeline" ? "pipeline's definition" : "multibranch project's sources"}, needs the Extended Read permission, which this user lacks`;
    return result;
  }
  const parsed = await repositoriesInConfig(xml);
  result.repositories = parsed.repositories;
  result.note = parsed.note;
  return result;
}

/** A freestyle job's GitSCM, or a branch job's (its BranchJobProperty). */
function configuredRepositories(raw: RawScmItem): Repository[] {
  const branchScm = (raw.property ?? []).find((property) => property?.branch?.scm)?.branch?.scm;
  return [raw.scm, branchScm].flatMap((scm) => gitRepositories(scm));
}

function gitRepositories(scm: RawGitScm | null | undefined): Repository[] {
  if (!scm?.userRemoteConfigs) return [];
  const branches = (scm.branches ?? []).flatMap((branch) => (branch.name ? [branch.name] : []));
  return scm.userRemoteConfigs.flatMap((remote) =>
    remote.url ? [{ url: remote.url, branches, scriptPath: null }] : [],
  );
}

function remotesOf(build: NonNullable<RawScmItem["lastBuild"]>): string[] {
  return [...new Set((build.actions ?? []).flatMap((action) => action?.remoteUrls ?? []))];
}

/** config.xml, or null when Jenkins refuses it (Extended Read). */
async function readConfig(http: JenkinsHttp, path: JobPath, signal?: AbortSignal): Promise<string | null> {
  try {
    const response = await http.send({
      path: `${jobUrlPath(path)}config.xml`,
      action: `reading the configuration of ${formatJobPath(path)}`,
      notFound: jobNotFound(path),
      signal,
    });
    return await response.body.text();
  } catch (error) {
    if (error instanceof JenkinsError && error.kind === "forbidden") return null;
    throw error;
  }
}

type XmlNode = Record<string, unknown>;

function asArray(value: unknown): XmlNode[] {
  if (value === undefined || value === null || value === "") return [];
  return (Array.isArray(value) ? value : [value]).filter(
    (entry): entry is XmlNode => typeof entry === "object",
  );
}

function text(value: unknown): string | null {
  if (typeof value === "string" || typeof value === "number") return String(value).trim() || null;
  return null;
}

/** Repositories of a pipeline's CpsScmFlowDefinition or of a multibranch project's branch sources. */
async function repositoriesInConfig(
  xml: string,
): Promise<{ repositories: Repository[]; note: string | null }> {
  // The XML parser is loaded for the rare call that needs it, not when the server starts.
  const { XMLParser } = await import("fast-xml-parser");
  const root = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
  }).parse(xml) as XmlNode;
  // The item's element, past the `<?xml ...?>` declaration the parser keeps as a key.
  const element = Object.entries(root).find(([key]) => !key.startsWith("?"))?.[1];
  const item = asArray(element)[0] ?? {};
  const definition = asArray(item.definition)[0];
  if (definition) {
    const kind = String(definition["@_class"] ?? "");
    if (!kind.endsWith("CpsScmFlowDefinition")) {
      return {
        repositories: [],
        note: "the pipeline's script is written in the job (not read from a repository): its checkout steps, if any, are in the script",
      };
    }
    const scm = asArray(definition.scm)[0] ?? {};
    const scriptPath = text(definition.scriptPath);
    const repositories = gitScmInConfig(scm).map((repository) => ({ ...repository, scriptPath }));
    return { repositories, note: repositories.length ? null : otherScm(scm) };
  }
  const sources = asArray(asArray(item.sources)[0]?.data).flatMap((data) =>
    asArray(data["jenkins.branch.BranchSource"]),
  );
  const scriptPath = text(asArray(item.factory)[0]?.scriptPath);
  const repositories = sources.flatMap((source) => {
    const url = sourceUrl(asArray(source.source)[0] ?? {});
    return url ? [{ url, branches: [], scriptPath }] : [];
  });
  return {
    repositories,
    note:
      repositories.length || sources.length === 0
        ? null
        : "its branch sources name no repository URL this server reads (git and GitHub ones)",
  };
}

function gitScmInConfig(scm: XmlNode): Repository[] {
  if (!String(scm["@_class"] ?? "").endsWith("GitSCM")) return [];
  const branches = asArray(asArray(scm.branches)[0]?.["hudson.plugins.git.BranchSpec"]).flatMap((branch) => {
    const name = text(branch.name);
    return name ? [name] : [];
  });
  return asArray(asArray(scm.userRemoteConfigs)[0]?.["hudson.plugins.git.UserRemoteConfig"]).flatMap(
    (remote) => {
      const url = text(remote.url);
      return url ? [{ url, branches, scriptPath: null }] : [];
    },
  );
}

function otherScm(scm: XmlNode): string {
  return `its SCM is ${String(scm["@_class"] ?? "not set")}, not git`;
}

/** A branch source's repository: the git plugin's `remote`, GitHub Branch Source's `repositoryUrl` or owner and name. */
function sourceUrl(source: XmlNode): string | null {
  const remote = text(source.remote) ?? text(source.repositoryUrl);
  if (remote) return remote;
  const owner = text(source.repoOwner);
  const repository = text(source.repository);
  if (owner && repository && String(source["@_class"] ?? "").includes("GitHubSCMSource")) {
    return `https://github.com/${owner}/${repository}`;
  }
  return null;
}

/** One item of the source tree: the URLs api/json tells for it. */
export interface SourceItem {
  fullName: string;
  type: JobType;
  /** The job's own SCM, or a branch job's. */
  configured: string[];
  /** What its last build checked out. */
  checkedOut: string[];
}

export interface SourceTree {
  items: SourceItem[];
  /** Folders at the depth limit that hold items this tree does not show. */
  unexplored: string[];
}

/** Levels below the starting folder one request reads, as the job search. */
const SOURCE_TREE_DEPTH = 4;

function sourceTreeQuery(): string {
  let level = "jobs[name]{0,1}";
  for (let remaining = SOURCE_TREE_DEPTH; remaining > 0; remaining--) level = `jobs[${SCM_FIELDS},${level}]`;
  return level;
}

/** Every item below `parent` with the repositories api/json names for it, from one request, cached 30 s. */
export function sourceTree(
  http: JenkinsHttp,
  trees: TreeCache<SourceTree>,
  parent: JobPath | undefined,
): Promise<SourceTree> {
  const read = async () => {
    const raw = await readContainer<RawScmItem>(http, parent, {
      tree: sourceTreeQuery(),
      action: parent
        ? `reading the sources of the jobs below ${formatJobPath(parent)}`
        : "reading the sources of the jobs",
    });
    const tree: SourceTree = { items: [], unexplored: [] };
    const visit = (jobs: RawScmItem[] | undefined, level: number) => {
      for (const job of jobs ?? []) {
        const fullName = job.fullName ?? job.name ?? "";
        const type = jobType(job._class);
        tree.items.push({
          fullName,
          type,
          configured: configuredRepositories(job).map((repository) => repository.url),
          checkedOut: job.lastBuild ? remotesOf(job.lastBuild) : [],
        });
        if (level < SOURCE_TREE_DEPTH) visit(job.jobs, level + 1);
        else if (isContainer(type) && (job.jobs?.length ?? 0) > 0) tree.unexplored.push(fullName);
      }
    };
    visit(raw.jobs, 1);
    return tree;
  };
  return trees.get(parent ? formatJobPath(parent) : "", read);
}

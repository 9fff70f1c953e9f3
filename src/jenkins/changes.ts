import { buildNotFound } from "./builds.js";
import { InvalidInputError, JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { jobType } from "./items.js";
import { jobNotFound } from "./jobs.js";
import { formatJobPath, type JobPath, jobUrlPath } from "./paths.js";

/**
 * What changed between builds, and how long a job has been failing: the SCM changes and culprits
 * of a run of builds, read from the job's `allBuilds`.
 *
 * `allBuilds` (Job.getBuilds, @Exported visibility -2) lists every build newest first and takes a
 * range of POSITIONS, not of build numbers (`builds` is the newest 100 only). So the top of the
 * list is read first (one request when the build is among the newest), then, for an older build,
 * the positions at its distance from the last build. Freestyle builds export `changeSet` (AbstractBuild, one set;
 * `changeSets` is not @Exported there), pipelines `changeSets` (WorkflowRun, the non-empty sets of
 * each checkout); both export `culprits` (RunWithSCM: the authors of the build's changes plus the
 * previous build's culprits when that one was worse than SUCCESS). Each git commit (GitChangeSet)
 * exports `commitId`, `msg` (the first line of the message, cut at a word before 72 characters
 * unless the git plugin is set to keep it whole), `timestamp` (ms, -1 when unknown), `author` (the
 * Jenkins user it maps to: often only the e-mail's local part), `authorEmail` and `affectedPaths`.
 */

/** Commits read per build at most; one more tells that there are more. */
const MAX_COMMITS_PER_BUILD = 50;
/** Files counted per commit at most. */
const MAX_FILES = 100;
const MAX_CULPRITS = 50;
/** Pipelines get a change set per checkout; more than a few is rare. */
const MAX_CHANGE_SETS = 10;
/** Builds before the asked one whose results buildStreak reads. */
const STREAK_HISTORY = 100;
/** Builds read beyond the window at the top, so that builds started since still leave it whole. */
const TOP_SLACK = 5;
/** How far from the top a build is looked for again when newer builds were deleted. */
const MAX_REREAD_POSITIONS = 1000;
/** Git's shortest unambiguous abbreviation is usually 7 digits. */
const SHORT_ID_LENGTH = 7;

const ITEM_TREE = `commitId,timestamp,msg,author[fullName],authorEmail,affectedPaths{0,${MAX_FILES + 1}}`;
const ITEMS_TREE = `items[${ITEM_TREE}]{0,${MAX_COMMITS_PER_BUILD + 1}}`;
const CHANGES_TREE = [
  "number,result,building",
  `changeSet[${ITEMS_TREE}]`,
  `changeSets[${ITEMS_TREE}]{0,${MAX_CHANGE_SETS}}`,
  `culprits[fullName]{0,${MAX_CULPRITS}}`,
].join(",");
const RESULTS_TREE = "number,result,building";

interface RawBuildResult {
  number: number;
  result: string | null;
  building: boolean;
}

interface RawEntry {
  commitId?: string | null;
  timestamp?: number;
  msg?: string | null;
  author?: { fullName?: string } | null;
  authorEmail?: string | null;
  affectedPaths?: string[];
}

interface RawChangeSet {
  items?: Array<RawEntry | null>;
}

interface RawBuildChanges extends RawBuildResult {
  changeSet?: RawChangeSet | null;
  changeSets?: Array<RawChangeSet | null>;
  culprits?: Array<{ fullName?: string } | null>;
}

export interface Commit {
  /** The SCM's id: 40 hex digits for git. */
  id: string;
  /** The first 7 characters of a git id; the whole id for other SCMs. */
  shortId: string;
  /** The Jenkins user the author maps to (its full name: often only the e-mail's local part). */
  author: string;
  authorEmail: string | null;
  /** ISO 8601, or null when the SCM tells no time. */
  time: string | null;
  /** The first line of the message (git cuts it at a word before 72 characters). */
  message: string;
  /** Files the commit touched, counted up to 100. */
  files: number;
  /** It touched more than 100 files. */
  moreFiles: boolean;
}

export interface BuildChanges {
  number: number;
  /** Null while building. */
  result: string | null;
  building: boolean;
  /** Oldest first, as Jenkins lists them; at most 50. */
  commits: Commit[];
  /** The build brought more than the 50 commits read. */
  moreCommits: boolean;
  /** Jenkins' culprits: this build's authors, and those of the failing builds just before it. */
  culprits: string[];
}

export interface ChangeHistory {
  /** Newest first: `until`, then older builds down to the one after `since`, at most `limit`. */
  builds: BuildChanges[];
  /**
   * The numbers between `since` and the oldest build listed that the limit left out (some may
   * have been deleted), or null when none were.
   */
  leftOut: { from: number; to: number } | null;
}

/** Builds after `since` (exclusive; 0 for all) up to `until`, at most `limit` of them. */
export interface BuildRange {
  since: number;
  until: number;
  limit: number;
}

export interface BuildStreak {
  number: number;
  /** Null while building. */
  result: string | null;
  /**
   * The first build of the run of results other than SUCCESS that ends at `number`; null when
   * `number` succeeded or is still building. Running builds before it neither end nor extend it.
   */
  failingSince: number | null;
  /** The last SUCCESS before `number`; null when none was read. */
  lastSuccess: number | null;
  /**
   * No SUCCESS was found among the builds read and older builds exist: the run may go back further
   * than `failingSince`, and a success may exist before `oldestRead`.
   */
  beyondRead: boolean;
  /** The oldest build read (up to 100 builds before `number`). */
  oldestRead: number;
}

/** The changes and culprits of builds `range.since` (exclusive) to `range.until`, from the newest. */
export async function buildChanges(
  http: JenkinsHttp,
  path: JobPath,
  range: BuildRange,
  signal?: AbortSignal,
): Promise<ChangeHistory> {
  const count = Math.max(1, Math.min(range.limit, range.until - range.since));
  const window = await readWindow<RawBuildChanges>(http, path, {
    until: range.until,
    count,
    fields: CHANGES_TREE,
    action: `reading the changes of ${formatJobPath(path)} #${range.since + 1} to #${range.until}`,
    signal,
  });
  const builds = window.builds.filter((build) => build.number > range.since).map(toBuildChanges);
  const oldest = builds.at(-1)?.number ?? range.until;
  const leftOut =
    !window.reachedFirst && oldest - 1 > range.since ? { from: range.since + 1, to: oldest - 1 } : null;
  return { builds, leftOut };
}

/** How long build `number` has been failing, and its last success, from the results of up to 100 earlier builds. */
export async function buildStreak(
  http: JenkinsHttp,
  path: JobPath,
  number: number,
  signal?: AbortSignal,
): Promise<BuildStreak> {
  const window = await readWindow<RawBuildResult>(http, path, {
    until: number,
    count: STREAK_HISTORY + 1,
    fields: RESULTS_TREE,
    action: `reading the build history of ${formatJobPath(path)}`,
    signal,
  });
  const [target, ...older] = window.builds as [RawBuildResult, ...RawBuildResult[]];
  const finished = older.filter((build) => !build.building);
  const lastSuccess = finished.find((build) => build.result === "SUCCESS")?.number ?? null;
  return {
    number: target.number,
    result: target.building ? null : target.result,
    failingSince: failingSince(target, finished),
    lastSuccess,
    beyondRead: lastSuccess === null && !window.reachedFirst,
    oldestRead: window.builds.at(-1)?.number ?? number,
  };
}

function failingSince(target: RawBuildResult, finishedBefore: readonly RawBuildResult[]): number | null {
  if (target.building || target.result === "SUCCESS") return null;
  let since = target.number;
  for (const build of finishedBefore) {
    if (build.result === "SUCCESS") break;
    since = build.number;
  }
  return since;
}

interface WindowRequest {
  until: number;
  /** Builds to read from `until` on, older ones after it. */
  count: number;
  fields: string;
  action: string;
  signal: AbortSignal | undefined;
}

interface Window<Raw> {
  /** From build `until` on, newest first; never empty. */
  builds: Raw[];
  /** The oldest build of the job was read. */
  reachedFirst: boolean;
}

/**
 * Up to `count` builds from build `until` back. The first request reads the top of the list (and
 * the last build's number), which holds `until` when it is one of the newest builds, the usual
 * case. Otherwise `until` is read at its distance from the last build, and when newer builds were
 * deleted (it then sits nearer the top than its number says) from the top down to it, bounded.
 */
async function readWindow<Raw extends RawBuildResult>(
  http: JenkinsHttp,
  path: JobPath,
  request: WindowRequest,
): Promise<Window<Raw>> {
  const top = await readTop<Raw>(http, path, request);
  const found = locate(top, request);
  if (found) return found;
  if (top.last === null || request.until > top.last) throw notFoundError(path, request.until);
  const start = top.last - request.until;
  const exact = locate(await readPositions<Raw>(http, path, request, start, start + request.count), request);
  if (exact) return exact;
  const end = start + request.count;
  const fromTop =
    end <= MAX_REREAD_POSITIONS
      ? locate(await readPositions<Raw>(http, path, request, 0, end), request)
      : null;
  if (fromTop) return fromTop;
  throw notFoundError(path, request.until);
}

/** Positions read: the builds, and whether the list ended before the range did. */
interface Positions<Raw> {
  builds: Raw[];
  reachedFirst: boolean;
}

/** The window from `until` in what was read, or null when `until` or builds after it are missing. */
function locate<Raw extends RawBuildResult>(
  read: Positions<Raw>,
  request: WindowRequest,
): Window<Raw> | null {
  const index = read.builds.findIndex((build) => build.number === request.until);
  const complete = read.reachedFirst || index + request.count <= read.builds.length;
  if (index < 0 || !complete) return null;
  return {
    builds: read.builds.slice(index, index + request.count),
    reachedFirst: read.reachedFirst && index + request.count >= read.builds.length,
  };
}

/** The newest builds, a few more than asked for (a build may have started since), and the last build's number. */
async function readTop<Raw>(
  http: JenkinsHttp,
  path: JobPath,
  request: WindowRequest,
): Promise<Positions<Raw> & { last: number | null }> {
  const asked = request.count + TOP_SLACK;
  const raw = await http.json<{
    _class?: string;
    lastBuild?: { number: number } | null;
    allBuilds?: Array<Raw | null>;
  }>({
    path: `${jobUrlPath(path)}api/json`,
    query: { tree: `_class,lastBuild[number],allBuilds[${request.fields}]{0,${asked}}` },
    action: request.action,
    notFound: jobNotFound(path),
    signal: request.signal,
  });
  if (raw.lastBuild === undefined) {
    throw new InvalidInputError(
      `"${formatJobPath(path)}" is a ${jobType(raw._class)}, which has no builds of its own.`,
      "notAJob",
    );
  }
  const builds = (raw.allBuilds ?? []).filter((build): build is Raw => build !== null);
  return { builds, reachedFirst: builds.length < asked, last: raw.lastBuild?.number ?? null };
}

async function readPositions<Raw>(
  http: JenkinsHttp,
  path: JobPath,
  request: WindowRequest,
  from: number,
  to: number,
): Promise<Positions<Raw>> {
  const raw = await http.json<{ allBuilds?: Array<Raw | null> }>({
    path: `${jobUrlPath(path)}api/json`,
    query: { tree: `allBuilds[${request.fields}]{${from},${to}}` },
    action: request.action,
    notFound: jobNotFound(path),
    signal: request.signal,
  });
  const builds = (raw.allBuilds ?? []).filter((build): build is Raw => build !== null);
  return { builds, reachedFirst: builds.length < to - from };
}

function notFoundError(path: JobPath, number: number): JenkinsError {
  const { sentence, subject } = buildNotFound(path, number);
  return new JenkinsError("notFound", `${sentence}.`, subject ? { subject } : {});
}

function toBuildChanges(raw: RawBuildChanges): BuildChanges {
  const sets = [...(raw.changeSet ? [raw.changeSet] : []), ...(raw.changeSets ?? [])];
  const entries = sets.flatMap((set) => (set?.items ?? []).filter((item): item is RawEntry => item !== null));
  const moreCommits = sets.some((set) => (set?.items?.length ?? 0) > MAX_COMMITS_PER_BUILD);
  return {
    number: raw.number,
    result: raw.building ? null : raw.result,
    building: raw.building,
    commits: entries.slice(0, MAX_COMMITS_PER_BUILD).map(toCommit),
    moreCommits: moreCommits || entries.length > MAX_COMMITS_PER_BUILD,
    culprits: (raw.culprits ?? []).flatMap((user) => (user?.fullName ? [user.fullName] : [])),
  };
}

function toCommit(raw: RawEntry): Commit {
  const id = raw.commitId ?? "";
  const files = raw.affectedPaths?.length ?? 0;
  return {
    id,
    shortId: /^[0-9a-f]{40}$/.test(id) ? id.slice(0, SHORT_ID_LENGTH) : id,
    author: raw.author?.fullName ?? "unknown",
    authorEmail: raw.authorEmail ?? null,
    time: raw.timestamp !== undefined && raw.timestamp >= 0 ? new Date(raw.timestamp).toISOString() : null,
    message: (raw.msg ?? "").split(/\r?\n/)[0] ?? "",
    files: Math.min(files, MAX_FILES),
    moreFiles: files > MAX_FILES,
  };
}

import { JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type JobType, jobType } from "./items.js";
import { jobNotFound, type RawJob } from "./jobs.js";
import { foldName } from "./names.js";
import { branchCandidates, formatJobPath, type JobPath, jobUrlPath } from "./paths.js";

/** Canonical names: the full name Jenkins spells an item with, for any spelling it accepts. */

/** An item as `resolveJob` names it: its canonical path, and what kind of item it is. */
export interface ResolvedJob {
  path: JobPath;
  type: JobType;
}

/**
 * Spellings whose canonical name is remembered, and for how long. A stale entry is safe: requests
 * go to the canonical name the policy decided on, so an item renamed since answers 404, and one
 * recreated under another case is the same name to Jenkins. It only bounds how long an answer may
 * show an item's old spelling.
 */
const CANONICAL_CACHE_SIZE = 1000;
const CANONICAL_TTL_MS = 5 * 60_000;

/** Canonical names learned lately, by folded spelling, the least recently learned first. */
export class CanonicalNameCache {
  private readonly entries = new Map<string, { job: ResolvedJob; expires: number }>();

  get(key: string): ResolvedJob | undefined {
    const known = this.entries.get(key);
    return known && known.expires > Date.now() ? known.job : undefined;
  }

  remember(key: string, job: ResolvedJob): void {
    this.entries.delete(key);
    if (this.entries.size >= CANONICAL_CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { job, expires: Date.now() + CANONICAL_TTL_MS });
  }
}

export async function resolveJob(
  http: JenkinsHttp,
  cache: CanonicalNameCache,
  path: JobPath,
  signal?: AbortSignal,
): Promise<ResolvedJob> {
  const key = foldName(formatJobPath(path));
  const known = cache.get(key);
  if (known) return known;
  let canonical: ResolvedJob;
  try {
    canonical = await readFullName(http, path, signal);
  } catch (error) {
    if (!(error instanceof JenkinsError && error.kind === "notFound")) throw error;
    const branch = await findBranch(http, path, signal);
    if (!branch) throw error;
    canonical = await readFullName(http, branch, signal);
  }
  cache.remember(key, canonical);
  return canonical;
}

/** The smallest read that names an item: its full name and class, nothing else. */
async function readFullName(http: JenkinsHttp, path: JobPath, signal?: AbortSignal): Promise<ResolvedJob> {
  const raw = await http.json<{ _class?: string; fullName?: string }>({
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
async function findBranch(
  http: JenkinsHttp,
  path: JobPath,
  signal?: AbortSignal,
): Promise<JobPath | undefined> {
  for (const { parent, branch } of branchCandidates(path)) {
    try {
      const raw = await http.json<RawJob>({
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

import { InvalidInputError } from "./errors.js";

/**
 * A Jenkins item's full name split into segments, exactly as Jenkins names them
 * (`team/backend/api` → ["team", "backend", "api"]; branch `feature/login` of
 * multibranch `mb` → ["mb", "feature%2Flogin"]).
 */
export type JobPath = readonly string[];

const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

/** The build permalinks Jenkins serves under every job. */
export const PERMALINKS = [
  "lastBuild",
  "lastCompletedBuild",
  "lastSuccessfulBuild",
  "lastStableBuild",
  "lastFailedBuild",
  "lastUnsuccessfulBuild",
] as const;
type Permalink = (typeof PERMALINKS)[number];
export type BuildRef = number | Permalink;

/**
 * Parses a user's job name. One leading or trailing slash is tolerated; `..`, `.`, empty
 * segments and control characters are refused before any request can be built from them.
 */
export function parseJobPath(fullName: string, what = "jobFullName"): JobPath {
  const trimmed = fullName.trim().replace(/^\/+/, "").replace(/\/+$/, "");
  if (trimmed === "")
    throw new InvalidInputError(`${what} is empty: give a job name such as "team/backend/api"`);
  if (CONTROL_CHARACTERS.test(trimmed)) {
    throw new InvalidInputError(`${what} contains a control character; give a plain job name`);
  }
  const segments = trimmed.split("/");
  for (const segment of segments) {
    if (segment === "") {
      throw new InvalidInputError(
        `${what} "${fullName}" has an empty segment ("//"); separate folders with one /`,
      );
    }
    if (segment === "." || segment === "..") {
      throw new InvalidInputError(
        `${what} "${fullName}" contains "${segment}", which is not allowed in a job name`,
      );
    }
  }
  return segments;
}

export function formatJobPath(path: JobPath): string {
  return path.join("/");
}

/** Relative URL of a job below the Jenkins base URL: `job/team/job/backend/job/api/`. */
export function jobUrlPath(path: JobPath): string {
  return path.map((segment) => `job/${encodeURIComponent(segment)}/`).join("");
}

/** Relative URL of the folder that holds new or listed items: "" for the root. */
export function containerUrlPath(path: JobPath | undefined): string {
  return path && path.length > 0 ? jobUrlPath(path) : "";
}

/**
 * Reads a job's full name back from a Jenkins job URL (absolute, or relative to the base). The URLs
 * in Jenkins' answers use its configured root URL, which often differs from the address we use
 * (http behind a TLS proxy, an internal host name): only the path after the base path, or failing
 * that after the first `/job/`, is read. Undefined for URLs that are not job URLs.
 */
export function jobPathFromUrl(url: string, baseUrl: string): JobPath | undefined {
  const base = new URL(baseUrl);
  const pathname = new URL(url, base).pathname;
  // Jenkins' root URL may have a path ours lacks (a proxy maps "/" to "/jenkins/"): then the job
  // part does not follow our base path, and the first "/job/" is where it starts.
  const afterBase = pathname.startsWith(base.pathname) && pathname.startsWith("job/", base.pathname.length);
  const start = afterBase ? base.pathname.length : pathname.indexOf("/job/") + 1;
  if (start === 0) return undefined;
  const rest = pathname.slice(start).split("/").filter(Boolean);
  const segments: string[] = [];
  for (let index = 0; index < rest.length; index += 2) {
    const name = rest[index + 1];
    if (rest[index] !== "job" || name === undefined) break;
    segments.push(decodeURIComponent(name));
  }
  return segments.length > 0 ? segments : undefined;
}

/**
 * The ways a decoded multibranch name can be meant besides the literal one: for
 * `mb/feature/login` the only candidate is parent `mb`, branch item `feature%2Flogin` (branch-api
 * encodes `/` in branch names as `%2F`). Longest parent first.
 */
export function branchCandidates(path: JobPath): Array<{ parent: JobPath; branch: string }> {
  const candidates: Array<{ parent: JobPath; branch: string }> = [];
  for (let split = path.length - 2; split >= 1; split--) {
    candidates.push({
      parent: path.slice(0, split),
      branch: path.slice(split).join("%2F"),
    });
  }
  return candidates;
}

export function describeBuild(path: JobPath, ref: BuildRef): string {
  return typeof ref === "number" ? `${formatJobPath(path)} #${ref}` : `${ref} of ${formatJobPath(path)}`;
}

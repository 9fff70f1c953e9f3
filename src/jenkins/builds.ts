import { isSecretParameter, MASK } from "../secrets.js";
import { InvalidInputError, JenkinsError, type NotFound } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { jobType } from "./items.js";
import { jobNotFound, type RawJob } from "./jobs.js";
import { type BuildRef, describeBuild, formatJobPath, type JobPath, jobUrlPath } from "./paths.js";

/** Builds: reading one or a job's history, starting one, ending one. */

interface RawBuild {
  number: number;
  url: string;
  result: string | null;
  building: boolean;
  timestamp: number;
  duration: number;
  estimatedDuration: number;
  displayName?: string;
  actions?: Array<{
    _class?: string;
    causes?: Array<{ shortDescription?: string }>;
    parameters?: Array<{ _class?: string; name: string; value?: unknown }>;
    failCount?: number;
    skipCount?: number;
    totalCount?: number;
  } | null>;
}

type RawBuildSummary = Pick<
  RawBuild,
  "number" | "url" | "result" | "building" | "timestamp" | "duration" | "actions"
>;

/** A build as lists show it. */
interface BuildSummary {
  number: number;
  url: string;
  result: string | null;
  building: boolean;
  startedAt: string;
  durationMs: number;
  causes: string[];
}

export interface Build extends BuildSummary {
  estimatedDurationMs: number;
  parameters: Array<{ name: string; value: string | number | boolean | null }>;
  tests: { total: number; failed: number; skipped: number } | null;
}

export interface BuildHistory {
  jobFullName: string;
  /** Newest first. */
  builds: BuildSummary[];
  /** True when older builds exist than the ones listed. */
  hasMore: boolean;
}

/**
 * A parameter value a build ran with, unmasked, to run it again. `password` values are never read
 * back: hudson.model.PasswordParameterValue keeps its Secret in a field that is not @Exported, so
 * `value` is absent from api/json (checked in 2026 core sources).
 */
export interface RecordedParameter {
  name: string;
  password: boolean;
  /** null: Jenkins exported no value (a password) or one that cannot be sent back as text. */
  value: string | number | boolean | null;
}

export interface BuildParameters {
  number: number;
  parameters: RecordedParameter[];
}

export interface TriggerResult {
  queueItemId: number;
  queueUrl: string;
}

/** How a running build is ended: `stop` asks, pipelines' `term` and `kill` force. */
export type StopSignal = "stop" | "term" | "kill";

const BUILD_TREE = [
  "number,url,result,building,timestamp,duration,estimatedDuration,displayName",
  "actions[_class,causes[shortDescription],parameters[_class,name,value],failCount,skipCount,totalCount]",
].join(",");

const PARAMETERS_TREE = "number,actions[_class,parameters[_class,name,value]]";

const BUILD_SUMMARY_TREE = "number,url,result,building,timestamp,duration,actions[causes[shortDescription]]";

const STOP_ACTIONS: Record<StopSignal, string> = { stop: "stopping", term: "terminating", kill: "killing" };

export async function getBuild(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<Build & { jobFullName: string }> {
  const raw = await readBuild<RawBuild>(http, path, build, BUILD_TREE, signal);
  return { jobFullName: formatJobPath(path), ...toBuild(raw) };
}

/** The build number a permalink points at now (a number is itself). */
export async function buildNumber(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<number> {
  if (typeof build === "number") return build;
  return (await readBuild<{ number: number }>(http, path, build, "number", signal)).number;
}

/** The parameter values a build ran with (ParametersAction), unmasked: only to run it again. */
export async function buildParameters(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<BuildParameters> {
  const raw = await readBuild<Pick<RawBuild, "number" | "actions">>(
    http,
    path,
    build,
    PARAMETERS_TREE,
    signal,
  );
  const parameters = actionsOf(raw)
    .flatMap((action) => action?.parameters ?? [])
    .map((parameter) => {
      const password = /PasswordParameterValue$/.test(parameter._class ?? "");
      const value = parameter.value;
      const sendable = typeof value === "string" || typeof value === "number" || typeof value === "boolean";
      return { name: parameter.name, password, value: !password && sendable ? value : null };
    });
  return { number: raw.number, parameters };
}

/** Up to `limit` (at most 100) most recent builds. */
export async function listBuilds(
  http: JenkinsHttp,
  path: JobPath,
  limit: number,
  signal?: AbortSignal,
): Promise<BuildHistory> {
  const raw = await http.json<
    RawJob & { builds?: RawBuildSummary[]; firstBuild?: { number: number } | null }
  >({
    path: `${jobUrlPath(path)}api/json`,
    query: { tree: `_class,fullName,firstBuild[number],builds[${BUILD_SUMMARY_TREE}]{0,${limit}}` },
    action: `listing the builds of ${formatJobPath(path)}`,
    notFound: jobNotFound(path),
    signal,
  });
  if (raw.builds === undefined) {
    throw new InvalidInputError(
      `"${formatJobPath(path)}" is a ${jobType(raw._class)}, which has no builds of its own.`,
      "notAJob",
    );
  }
  const builds = raw.builds.map(toBuildSummary);
  const oldest = builds.at(-1)?.number;
  return {
    jobFullName: raw.fullName ?? formatJobPath(path),
    builds,
    hasMore: oldest !== undefined && (raw.firstBuild?.number ?? oldest) < oldest,
  };
}

export async function triggerBuild(
  http: JenkinsHttp,
  path: JobPath,
  parameters: URLSearchParams | undefined,
  signal?: AbortSignal,
): Promise<TriggerResult> {
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${parameters ? "buildWithParameters" : "build"}`,
    ...(parameters
      ? { body: parameters.toString(), headers: { "content-type": "application/x-www-form-urlencoded" } }
      : {}),
    accept: [303],
    action: `triggering ${formatJobPath(path)}`,
    notFound: jobNotFound(path),
    mutating: true,
    signal,
  });
  await response.body.dump();
  const location = String(response.headers.location ?? "");
  const id = /\/queue\/item\/(\d+)\/?$/.exec(location)?.[1];
  if (!id) {
    throw new JenkinsError(
      "unexpected",
      `Jenkins accepted the trigger of ${formatJobPath(path)} but did not say which queue item it made.`,
      { subject: "queuedBuild" },
    );
  }
  return { queueItemId: Number(id), queueUrl: new URL(location, http.baseUrl).href };
}

export async function stopBuild(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  how: StopSignal,
  signal?: AbortSignal,
): Promise<void> {
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${build}/${how}`,
    // Jenkins answers with a redirect back to the page the request came from.
    accept: [302, 303],
    action: `${STOP_ACTIONS[how]} ${describeBuild(path, build)}`,
    notFound:
      how === "stop"
        ? buildNotFound(path, build)
        : {
            sentence: `${describeBuild(path, build)} has no /${how}: only pipeline builds can be forced to end`,
          },
    mutating: true,
    signal,
  });
  await response.body.dump();
}

export function buildNotFound(path: JobPath, build: BuildRef): NotFound {
  return typeof build === "number"
    ? {
        sentence: `Build #${build} of "${formatJobPath(path)}" was not found (or the job does not exist)`,
        subject: "build",
      }
    : {
        sentence: `"${formatJobPath(path)}" has no ${build} (or the job does not exist): it may have no builds of that kind yet`,
      };
}

function readBuild<Raw>(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  tree: string,
  signal: AbortSignal | undefined,
): Promise<Raw> {
  return http.json<Raw>({
    path: `${jobUrlPath(path)}${build}/api/json`,
    query: { tree },
    action: `reading build ${describeBuild(path, build)}`,
    notFound: buildNotFound(path, build),
    // A finished build's answer no longer changes; a permalink may move to another build.
    reusable: typeof build === "number" && isFinished,
    signal,
  });
}

function isFinished(answer: unknown): boolean {
  return (answer as { building?: unknown } | null)?.building === false;
}

function actionsOf(raw: Pick<RawBuild, "actions">) {
  return (raw.actions ?? []).filter((action) => action !== null && typeof action === "object");
}

function toBuildSummary(raw: RawBuildSummary): BuildSummary {
  const causes = actionsOf(raw)
    .flatMap((action) => action?.causes ?? [])
    .map((cause) => cause.shortDescription ?? "");
  return {
    number: raw.number,
    url: raw.url,
    result: raw.building ? null : raw.result,
    building: raw.building,
    startedAt: new Date(raw.timestamp).toISOString(),
    durationMs: raw.duration,
    causes: [...new Set(causes.filter(Boolean))],
  };
}

function toBuild(raw: RawBuild): Build {
  const actions = actionsOf(raw);
  const tests = actions.find((action) => action?.totalCount !== undefined);
  return {
    ...toBuildSummary(raw),
    estimatedDurationMs: raw.estimatedDuration,
    parameters: actions
      .flatMap((action) => action?.parameters ?? [])
      .map((parameter) => ({ name: parameter.name, value: parameterValue(parameter) })),
    tests: tests
      ? { total: tests.totalCount ?? 0, failed: tests.failCount ?? 0, skipped: tests.skipCount ?? 0 }
      : null,
  };
}

function parameterValue(parameter: {
  _class?: string;
  name: string;
  value?: unknown;
}): string | number | boolean | null {
  if (/Password/.test(parameter._class ?? "") || isSecretParameter(parameter.name)) return MASK;
  const value = parameter.value;
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  return value === undefined || value === null ? null : JSON.stringify(value);
}

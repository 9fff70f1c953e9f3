import { isSecretParameter, MASK } from "../secrets.js";

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

export interface RawParameterDefinition {
  _class?: string;
  name: string;
  type?: string;
  description?: string | null;
  defaultParameterValue?: { value?: unknown } | null;
  choices?: string[];
}

export interface RawBuild {
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

export interface RawQueueItem {
  _class?: string;
  id: number;
  why?: string | null;
  blocked?: boolean;
  buildable?: boolean;
  stuck?: boolean;
  cancelled?: boolean;
  inQueueSince?: number;
  task?: { fullName?: string; url?: string };
  executable?: { number: number; url: string } | null;
}

export type JobType = "freestyle" | "pipeline" | "folder" | "multibranch" | "other";

export interface ParameterDefinition {
  name: string;
  type: "string" | "text" | "boolean" | "choice" | "password" | "other";
  /** Jenkins' own type name, e.g. StringParameterDefinition. */
  jenkinsType: string;
  default: string | boolean | null;
  choices?: string[];
  description: string | null;
}

/** A job as a page of a list shows it: no URL, which getJob gives, so that 50 of them stay small. */
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

/** A build as lists show it. */
export interface BuildSummary {
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

export type QueueState = "queued" | "started" | "cancelled";

export interface QueueItem {
  id: number;
  state: QueueState;
  why: string | null;
  blocked: boolean;
  stuck: boolean;
  inQueueSince: string | null;
  /** The task's full name when it is an item (a job, or a folder being indexed). */
  taskFullName: string | null;
  taskUrl: string | null;
  build: { number: number; url: string } | null;
}

const PARAMETER_TYPES: Record<string, ParameterDefinition["type"]> = {
  StringParameterDefinition: "string",
  TextParameterDefinition: "text",
  BooleanParameterDefinition: "boolean",
  ChoiceParameterDefinition: "choice",
  PasswordParameterDefinition: "password",
};

export function jobType(jenkinsClass: string | undefined): JobType {
  const cls = jenkinsClass ?? "";
  if (/MultiBranch|OrganizationFolder/.test(cls)) return "multibranch";
  if (/WorkflowJob/.test(cls)) return "pipeline";
  if (/FreeStyleProject|MatrixProject|MavenModuleSet/.test(cls)) return "freestyle";
  if (/[Ff]older/.test(cls)) return "folder";
  return "other";
}

export function isContainer(type: JobType): boolean {
  return type === "folder" || type === "multibranch";
}

function stripAnime(color: string | undefined): string | null {
  return color ? color.replace(/_anime$/, "") : null;
}

export function toJobEntry(raw: RawJob, parentFullName?: string): JobEntry {
  const name = raw.name ?? "";
  return {
    name,
    fullName: raw.fullName ?? (parentFullName ? `${parentFullName}/${name}` : name),
    type: jobType(raw._class),
    status: stripAnime(raw.color),
  };
}

export function toJobSummary(raw: RawJob, parentFullName?: string): JobSummary {
  return { ...toJobEntry(raw, parentFullName), url: raw.url ?? "" };
}

export function toParameterDefinitions(raw: RawJob): ParameterDefinition[] {
  const definitions = raw.property?.flatMap((property) => property.parameterDefinitions ?? []) ?? [];
  return definitions.map(toParameterDefinition);
}

export function toParameterDefinition(definition: RawParameterDefinition): ParameterDefinition {
  const jenkinsType = definition.type ?? definition._class?.split(".").pop() ?? "unknown";
  const type = PARAMETER_TYPES[jenkinsType] ?? "other";
  const value = definition.defaultParameterValue?.value;
  // Jenkins never exports a password parameter's default; either way a secret shows as the mask.
  const secret =
    type === "password" || (isSecretParameter(definition.name) && value !== undefined && value !== null);
  return {
    name: definition.name,
    type,
    jenkinsType,
    default: secret ? MASK : toDefault(value),
    ...(definition.choices ? { choices: definition.choices } : {}),
    description: definition.description || null,
  };
}

function toDefault(value: unknown): string | boolean | null {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return String(value);
  return null;
}

export const CHILDREN_SHOWN = 20;
export const CHILDREN_COUNTED = 100;

export function toJob(raw: RawJob): Job {
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

export type RawBuildSummary = Pick<
  RawBuild,
  "number" | "url" | "result" | "building" | "timestamp" | "duration" | "actions"
>;

function actionsOf(raw: RawBuildSummary) {
  return (raw.actions ?? []).filter((action) => action !== null && typeof action === "object");
}

export function toBuildSummary(raw: RawBuildSummary): BuildSummary {
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

export function toBuild(raw: RawBuild): Build {
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

export function toQueueItem(raw: RawQueueItem): QueueItem {
  const state: QueueState = raw.executable ? "started" : raw.cancelled ? "cancelled" : "queued";
  return {
    id: raw.id,
    state,
    why: raw.why ?? null,
    blocked: raw.blocked ?? false,
    stuck: raw.stuck ?? false,
    inQueueSince: raw.inQueueSince ? new Date(raw.inQueueSince).toISOString() : null,
    taskFullName: raw.task?.fullName ?? null,
    taskUrl: raw.task?.url ?? null,
    build: raw.executable ? { number: raw.executable.number, url: raw.executable.url } : null,
  };
}

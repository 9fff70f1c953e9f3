import { defaultValue } from "../beans.js";
import { jettyError, redirect, type SimResponse } from "../pages.js";
import type { Job, ParamDef, ParamValue } from "../world.js";
import { type AppEnv, causeOf, denied, JenkinsException, postOnly, type RequestContext } from "./context.js";

/** Triggering builds: ParameterizedJobMixIn.doBuild / doBuildWithParameters and ParametersDefinitionProperty. */

/** TimeDuration.fromString ("500", "5sec"), truncated to whole seconds as the queue uses them. */
function delayMs(ctx: RequestContext, job: Job): number {
  const raw = ctx.params.get("delay");
  if (raw === null) return job.timing.quietPeriodMs;
  let text = raw.trim();
  let unit = 1;
  if (text.endsWith("sec") || text.endsWith("secs")) {
    text = text.slice(0, text.lastIndexOf("sec")).trim();
    unit = 1000;
  }
  if (!/^[+-]?\d+$/.test(text)) {
    throw new JenkinsException(
      500,
      `java.lang.IllegalArgumentException: Invalid time duration value: ${text}`,
    );
  }
  return Math.trunc((Number.parseInt(text, 10) * unit) / 1000) * 1000;
}

function notBuildable(ctx: RequestContext, job: Job): SimResponse {
  return jettyError(409, `${job.fullName} is not buildable`, ctx.uri);
}

function illegal(message: string): JenkinsException {
  return new JenkinsException(500, `java.lang.IllegalArgumentException: ${message}`);
}

/** SimpleParameterDefinition.createValue(String). */
function valueFromString(def: ParamDef, text: string): ParamValue {
  if (def.type === "boolean") return { type: def.type, name: def.name, value: text.toLowerCase() === "true" };
  if (def.type === "choice" && !(def.choices ?? []).includes(text)) {
    throw illegal(`Illegal choice for parameter ${def.name}: ${text}`);
  }
  return { type: def.type, name: def.name, value: text };
}

/** ParameterDefinition.createValue(req, jo): the `json` form field of `/build`. */
export function valueFromJson(def: ParamDef, entry: Record<string, unknown>): ParamValue {
  const raw = entry.value;
  if (def.type === "boolean")
    return { type: def.type, name: def.name, value: raw === true || raw === "true" };
  const text = raw === undefined || raw === null ? "" : String(raw);
  if (def.type === "password" && text === "<DEFAULT>") return defaultValue(def);
  return valueFromString(def, text);
}

export function doBuild(env: AppEnv, ctx: RequestContext, job: Job): SimResponse {
  const delay = delayMs(ctx, job);
  if (!job.buildable) return notBuildable(ctx, job);
  if (job.params.length > 0 && ctx.method !== "POST") {
    return env.pages.layout(
      200,
      job.fullDisplayName,
      `<h1>Pipeline ${job.name}</h1><p>This build requires parameters:</p>`,
    );
  }
  const refused = denied(env, ctx, "Job/Build") ?? postOnly(env, ctx);
  if (refused) return refused;
  if (job.params.length > 0) return buildFromForm(env, ctx, job, delay);
  const { item } = env.world.schedule(job, null, causeOf(ctx), delay);
  // JENKINS-66105: an already queued item is also answered 201 here.
  return redirect(201, ctx.requestRoot + item.url);
}

/** ParametersDefinitionProperty._doBuild: parameters from the `json` form field only. */
function buildFromForm(env: AppEnv, ctx: RequestContext, job: Job, delay: number): SimResponse {
  const json = ctx.params.get("json");
  if (!json) {
    const message =
      [...ctx.params.keys()].length > 0 ? "This page expects a form submission" : "Nothing is submitted";
    return jettyError(400, message, ctx.uri);
  }
  const form = parseForm(json);
  const entries =
    form.parameter === undefined ? [] : Array.isArray(form.parameter) ? form.parameter : [form.parameter];
  const values = entries.map((entry: unknown) => {
    if (typeof entry !== "object" || entry === null) throw illegal("parameter entries must be objects");
    const record = entry as Record<string, unknown>;
    const name = typeof record.name === "string" ? record.name : "";
    const def = job.params.find((p) => p.name === name);
    if (!def) throw illegal(`No such parameter definition: ${name}`);
    return valueFromJson(def, record);
  });
  const { item, created } = env.world.schedule(job, values, causeOf(ctx), delay);
  if (!created) return redirect(302, ctx.requestRoot + job.urlPath);
  const status = typeof form.statusCode === "number" ? form.statusCode : 201;
  return redirect(status, ctx.requestRoot + item.url);
}

export function parseForm(json: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below, as Stapler does
  }
  throw new JenkinsException(500, `jakarta.servlet.ServletException: Failed to parse JSON:${json}`);
}

export function doBuildWithParameters(env: AppEnv, ctx: RequestContext, job: Job): SimResponse {
  const delay = delayMs(ctx, job);
  const refused = denied(env, ctx, "Job/Build") ?? postOnly(env, ctx);
  if (refused) return refused;
  if (!job.buildable) return notBuildable(ctx, job);
  if (job.params.length === 0) return jettyError(400, `${job.fullName} is not parameterized`, ctx.uri);
  const values = job.params.map((def) => {
    const given = ctx.params.getAll(def.name);
    if (given.length > 1)
      throw illegal(`Illegal number of parameter values for ${def.name}: ${given.length}`);
    const [text] = given;
    return text === undefined ? defaultValue(def) : valueFromString(def, text);
  });
  const { item, created } = env.world.schedule(job, values, causeOf(ctx), delay);
  return redirect(created ? 201 : 303, ctx.requestRoot + item.url);
}

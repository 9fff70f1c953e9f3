import { empty, type SimResponse } from "../pages.js";
import type { Build, InputSpec, ParamDef, Stage, StageStatus } from "../world.js";
import { type AppEnv, causeOf, denied, JenkinsException, postOnly, type RequestContext } from "./context.js";
import { describeStages } from "./stage-view.js";
import { parseForm, valueFromJson } from "./trigger.js";

/**
 * What pipeline builds add below `{job}/{number}/`: the Pipeline Stage View plugin's REST API
 * (RunAPI: `wfapi/describe[?fullStages=true]`, `wfapi/pendingInputActions`, served as plain JSON
 * without X-Jenkins) and the `input` step's actions (InputAction / InputStepExecution).
 */
export function wfapiRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const [action, ...tail] = rest;
  if (tail.length > 0) return env.pages.notFound();
  switch (action) {
    case undefined:
      return json(describe(env, build, false));
    case "describe":
      // RunAPI.doDescribe(@QueryParameter boolean fullStages): Stapler reads "true" as true, else false.
      return json(describe(env, build, ctx.params.get("fullStages") === "true"));
    case "pendingInputActions":
      return json(build.pendingInput ? [pendingInputAction(env, build, build.pendingInput)] : []);
    default:
      return env.pages.notFound();
  }
}

/** ServeJson: plain JSON, no X-Jenkins. */
export function json(value: unknown, headers: Record<string, string> = {}): SimResponse {
  return {
    status: 200,
    headers: { "Content-Type": "application/json;charset=UTF-8", ...headers },
    body: JSON.stringify(value),
  };
}

/** Stapler's HttpResponses.okJSON, as plugins answer: `{"status":"ok","data":...}`, no X-Jenkins. */
export function okJson(data: unknown, headers: Record<string, string> = {}): SimResponse {
  return json({ status: "ok", data }, headers);
}

const RESULT_STATUS: Readonly<Record<string, StageStatus>> = {
  SUCCESS: "SUCCESS",
  UNSTABLE: "UNSTABLE",
  FAILURE: "FAILED",
  ABORTED: "ABORTED",
  NOT_BUILT: "NOT_EXECUTED",
};

/** StatusExt.valueOf for the build as a whole. */
function runStatus(build: Build): StageStatus {
  if (build.pendingInput) return "PAUSED_PENDING_INPUT";
  if (build.building) return "IN_PROGRESS";
  return RESULT_STATUS[build.result ?? ""] ?? "NOT_EXECUTED";
}

/** The recorded stages, or the one "Build" stage every simulated pipeline runs. */
function stagesOf(env: AppEnv, build: Build): readonly Stage[] {
  if (build.stages) return build.stages;
  const elapsed = build.building ? env.world.now() - build.timestamp : build.duration;
  return [{ name: "Build", status: runStatus(build), durationMs: elapsed }];
}

/** The stages from the run's flow graph when it has one, else from the recorded list. */
function stagesJson(env: AppEnv, build: Build, fullStages: boolean): Record<string, unknown>[] {
  return build.flow ? describeStages(env, build, build.flow, fullStages) : recordedStages(env, build);
}

/** RunAPI.doDescribe: RunExt with its StageNodeExt list. */
function describe(env: AppEnv, build: Build, fullStages: boolean): Record<string, unknown> {
  const root = env.pages.rootPath;
  const duration = build.building ? env.world.now() - build.timestamp : build.duration;
  return {
    _links: { self: { href: `${root}${build.url}wfapi/describe` } },
    id: String(build.number),
    name: `#${build.number}`,
    status: runStatus(build),
    startTimeMillis: build.timestamp,
    endTimeMillis: build.building ? 0 : build.timestamp + build.duration,
    durationMillis: duration,
    queueDurationMillis: 0,
    pauseDurationMillis: 0,
    stages: stagesJson(env, build, fullStages),
  };
}

/** A stage of a run without a flow graph, with the node id and start time made up for it. */
export interface RecordedStage {
  readonly id: string;
  readonly stage: Stage;
  readonly startTime: number;
}

/** The stages of a run without a flow graph, one after the other, ids six nodes apart. */
export function recordedStagesOf(env: AppEnv, build: Build): RecordedStage[] {
  let startedAt = build.timestamp;
  return stagesOf(env, build).map((stage, index) => {
    const recorded = { id: String(6 + index * 6), stage, startTime: startedAt };
    startedAt += stage.durationMs;
    return recorded;
  });
}

/** StageNodeExt for the stages recorded without a flow graph. */
function recordedStages(env: AppEnv, build: Build): Record<string, unknown>[] {
  const root = env.pages.rootPath;
  return recordedStagesOf(env, build).map(({ id, stage, startTime }) => ({
    _links: { self: { href: `${root}${build.url}execution/node/${id}/wfapi/describe` } },
    id,
    name: stage.name,
    execNode: "",
    status: stage.status,
    ...(stage.error ? { error: stage.error } : {}),
    startTimeMillis: stage.status === "NOT_EXECUTED" ? 0 : startTime,
    durationMillis: stage.durationMs,
    pauseDurationMillis: 0,
  }));
}

/** PendingInputActionsExt.create. */
function pendingInputAction(env: AppEnv, build: Build, input: InputSpec): Record<string, unknown> {
  const runUrl = `${env.pages.rootPath}${build.url}`;
  return {
    id: input.id,
    proceedText: input.ok ?? "Proceed",
    message: input.message,
    inputs: (input.params ?? []).map(inputParameter),
    proceedUrl: `${runUrl}wfapi/inputSubmit?inputId=${input.id}`,
    abortUrl: `${runUrl}input/${input.id}/abort`,
    redirectApprovalUrl: `${runUrl}input/`,
  };
}

const DEFINITION_TYPES: Readonly<Record<ParamDef["type"], string>> = {
  string: "StringParameterDefinition",
  boolean: "BooleanParameterDefinition",
  choice: "ChoiceParameterDefinition",
  password: "PasswordParameterDefinition",
};

/** InputParameterDefExt: the password default is exported as is, as the plugin does. */
function inputParameter(def: ParamDef): Record<string, unknown> {
  const defaultVal = def.type === "boolean" ? def.defaultValue === "true" : def.defaultValue;
  return {
    type: DEFINITION_TYPES[def.type],
    name: def.name,
    ...(def.description === null ? {} : { description: def.description }),
    definition: { defaultVal, ...(def.type === "choice" ? { choices: [...(def.choices ?? [])] } : {}) },
  };
}

/** `{build}/input/{id}/{proceedEmpty|proceed|abort}`: InputAction.getDynamic, then the execution. */
export function inputRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const [id, action, ...tail] = rest;
  if (id === undefined) return env.pages.layout(200, build.fullDisplayName, "<h1>Paused for Input</h1>");
  const input = build.pendingInput;
  // A settled input is removed from the InputAction: Stapler finds nothing at its URL.
  if (!input || input.id !== id || tail.length > 0) return env.pages.notFound();
  if (action === undefined) return env.pages.layout(200, build.fullDisplayName, "<h1>Input</h1>");
  const notPost = postOnly(env, ctx);
  if (notPost) return notPost;
  switch (action) {
    case "proceedEmpty":
      return proceed(env, ctx, build, false);
    case "proceed":
      return proceed(env, ctx, build, true);
    case "abort":
      return abort(env, ctx, build);
    default:
      return env.pages.notFound();
  }
}

/** InputStepExecution.doProceedEmpty / doProceed: Job/Build is needed (no submitter is set). */
function proceed(env: AppEnv, ctx: RequestContext, build: Build, withForm: boolean): SimResponse {
  if (denied(env, ctx, "Job/Build")) {
    return env.pages.failure("You need to have Job/Build permissions to submit this.");
  }
  const values = withForm ? submittedValues(ctx, build.pendingInput?.params ?? []) : [];
  env.world.answerInput(build, true, causeOf(ctx), values);
  return empty(200);
}

/** InputStepExecution.parseValue: the `parameter` entries of the `json` form field. */
function submittedValues(ctx: RequestContext, defs: readonly ParamDef[]) {
  const json = ctx.params.get("json");
  if (!json) {
    throw new JenkinsException(
      500,
      `jakarta.servlet.ServletException: This page expects a form submission but had only [${[...ctx.params.keys()].join(", ")}]`,
    );
  }
  const form = parseForm(json);
  const entries =
    form.parameter === undefined ? [] : Array.isArray(form.parameter) ? form.parameter : [form.parameter];
  return entries.map((entry: unknown) => {
    const record = (typeof entry === "object" && entry !== null ? entry : {}) as Record<string, unknown>;
    const def = defs.find((candidate) => candidate.name === record.name);
    if (!def) {
      throw new JenkinsException(
        500,
        `java.lang.IllegalArgumentException: No such parameter definition: ${String(record.name)}`,
      );
    }
    return valueFromJson(def, record);
  });
}

/** InputStepExecution.doAbort: Job/Cancel, or the right to submit. */
function abort(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  if (denied(env, ctx, "Job/Cancel") && denied(env, ctx, "Job/Build")) {
    return env.pages.failure("You need to have Job/Cancel permissions to cancel this.");
  }
  env.world.answerInput(build, false, causeOf(ctx));
  return empty(200);
}

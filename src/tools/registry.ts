import type {
  CallToolResult,
  InputRequiredResult,
  McpServer,
  ScopeChallenge,
  ServerContext,
  ToolAnnotations,
} from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { AuditEntry } from "../guard/audit.js";
import { ConfirmationDeclined, Guard, PolicyDenied, RateCapReached } from "../guard/guard.js";
import { type Identity, identityFromAuth, namedClient } from "../guard/identity.js";
import { type Action, STDIO_CLIENT } from "../guard/policy.js";
import { onBehalfOf } from "../jenkins/budget.js";
import type { Build } from "../jenkins/builds.js";
import type { JenkinsClient } from "../jenkins/client.js";
import { JenkinsError } from "../jenkins/errors.js";
import { isContainer, type JobType } from "../jenkins/items.js";
import type { Job } from "../jenkins/jobs.js";
import { formatJobPath, type JobPath } from "../jenkins/paths.js";
import type { Logger } from "../logger.js";
import type { Telemetry } from "../telemetry.js";
import { listableFolder, permittedJob } from "./access.js";
import { messageWithAdvice } from "./advice.js";
import { confirmerFor, InputRequiredSignal } from "./confirm.js";
import {
  type ControllerChoice,
  ControllerChoiceError,
  chooseController,
  withControllerArgument,
  withControllerOutput,
} from "./controllers.js";
import { type Gathered, gatherAcross } from "./fan-out.js";
import { onController } from "./resource-uris.js";
import { buildRef } from "./schemas.js";
import type { Toolset } from "./toolsets.js";

/** What the audit line of a call says beyond its outcome; handlers fill it in as they learn it. */
interface AuditNote {
  /** The controller (or controllers, comma-separated) of a server with several. */
  controller?: string;
  job?: string;
  parameters?: Record<string, string>;
  /** What was done, after the client's name: "triggered team/api #42 with BRANCH=main". */
  done?: string;
  rule?: string | undefined;
}

/** What a tool handler may use: the Jenkins adapter, the guardrails, the request. Nothing of HTTP. */
export interface ToolContext {
  jenkins: JenkinsClient;
  signal: AbortSignal;
  /** Sends an MCP progress notification when the client asked for progress; a no-op otherwise. */
  progress(message: string): Promise<void>;
  logger: Logger;
  /** Who calls: the HTTP token's name, or "stdio". */
  client: string;
  /** The controller this call works on, on a server of several; undefined on a server of one. */
  controller: string | undefined;
  audit: AuditNote;
  /** Whether this server offers a tool: an answer suggests only calls the client can make. */
  offers(tool: string): boolean;
  /**
   * The job's canonical path once the policy allows `action` on it (see permittedJob): the only way
   * a handler turns a name it was given into a path for the adapter. Sets the audit line's job.
   */
  job(action: Action, jobFullName: string, field?: string): Promise<JobPath>;
  /** A folder's canonical path once the client may list it (see listableFolder). */
  folder(folderFullName: string, field: string): Promise<JobPath>;
  /** A job the client may read. */
  readJob(jobFullName: string): Promise<Job>;
  /** A build the client may read (lastBuild when no number is given). */
  readBuild(jobFullName: string, buildNumber?: number | string): Promise<Build & { jobFullName: string }>;
  /**
   * Right before a write: the policy again, the person's confirmation where it asks, the rate cap.
   * Throws when the call may not go ahead. `what` phrases the action for the question.
   */
  authorize(action: Action, job: string, what?: string): Promise<void>;
  /** The policy's answer alone for a job Jenkins named (null: it named none), before anything is sent. */
  check(action: Action, job: string | null): void;
  /** Whether a listing may show this item: the client may read it, or something in it (folders). */
  mayList(item: { fullName: string; type: JobType }): boolean;
  /** Whether the client may read the job Jenkins named (null: it named none). */
  mayRead(job: string | null): boolean;
  /** Masks credential shapes in text from Jenkins (logs). */
  mask(text: string): string;
}

interface ToolResult<Output> {
  /** The short text a model reads. */
  text: string;
  structured: Output;
  /** Resources the answer points at instead of carrying them (a whole build log). */
  links?: Array<{ uri: string; name: string; mimeType?: string; description?: string }>;
}

/** A call of a tool that spans controllers, on a server with several. */
interface Span {
  /** The controller the call names, or every one. */
  controllers: readonly string[];
  /**
   * Runs `work` with each controller's context: at most a few at once, each within the fan-out time
   * limit; a controller that fails is named in `unavailable` (see gatherAcross). With one
   * controller named, its failure is the call's, as on a server of one.
   */
  gather<T>(work: (context: ToolContext, controller: string) => Promise<T>): Promise<Gathered<T>>;
  audit: AuditNote;
}

export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
  Across extends z.ZodObject = z.ZodObject,
> {
  name: string;
  toolset: Toolset;
  /** Offered when no toolsets are chosen (toolset `default`): the small default list a model reads. */
  core: boolean;
  /**
   * What the server's instructions say of this tool when it is offered, after its name ("lists a
   * folder"). Only of the tool itself: instructions never name a tool that is not offered.
   */
  guide?: string;
  title: string;
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolAnnotations & { readOnlyHint: boolean };
  /**
   * The policy action by which a tool that is not read-only changes Jenkins; a function of the raw
   * arguments when they decide it. An OAuth client is asked for its scope before the call runs.
   */
  writes?: Action | ((args: Record<string, unknown>) => Action);
  handler(input: z.output<Input>, context: ToolContext): Promise<ToolResult<z.input<Output>>>;
  /**
   * For tools that read every controller when none is named (searchJobs, getQueue): on a server of
   * several controllers, this output and handler replace the ones above, for one controller or all.
   * Every other tool works on the one controller a call names, with no code of its own for it.
   */
  acrossControllers?: {
    outputSchema: Across;
    handler(input: z.output<Input>, span: Span): Promise<ToolResult<z.input<Across>>>;
  };
}

/** Keeps each definition's input and output types tied to its schemas. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject, Across extends z.ZodObject>(
  definition: ToolDefinition<Input, Output, Across>,
): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

/** A refusal the model can act on: returned as a tool result with `isError: true`. */
export class ToolError extends Error {
  override name = "ToolError";
}

export interface RegistryDependencies {
  /** The Jenkins of a server of one controller (with several, tools use `controllers`). */
  jenkins: JenkinsClient;
  logger: Logger;
  guard?: Guard;
  /** The Jenkins identity a client acts as (a policy may name one per client); the shared one otherwise. */
  jenkinsFor?: (client: Identity) => JenkinsClient;
  /** The id of the HTTP request being served, to tie audit lines to access log lines. */
  requestId?: () => string | undefined;
  /** Where each call is counted and timed (metrics). */
  telemetry?: Telemetry;
  /** Two or more controllers: every tool then takes a `controller` argument. */
  controllers?: ControllerChoice;
}

const NO_GUARD = new Guard(undefined, undefined);

/**
 * Who sends a request, the guardrails that apply to them, and the Jenkins identity they act as: on
 * `controller`, when the server has several.
 */
export function callerOf(
  deps: RegistryDependencies,
  ctx: ServerContext,
  controller?: string,
): { client: Identity; guard: Guard; jenkins: JenkinsClient } {
  const authInfo = ctx.http?.authInfo;
  const client = authInfo ? identityFromAuth(authInfo) : namedClient(STDIO_CLIENT);
  const guard = deps.guard ?? NO_GUARD;
  if (controller && deps.controllers) {
    return {
      client,
      guard: guard.forController(controller),
      jenkins: deps.controllers.jenkinsFor(client, controller),
    };
  }
  return { client, guard, jenkins: deps.jenkinsFor?.(client) ?? deps.jenkins };
}

export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  deps: RegistryDependencies,
): void {
  const offered = new Set(tools.map((tool) => tool.name));
  for (const tool of tools) {
    const { inputSchema, outputSchema } = deps.controllers
      ? schemasWithController(tool, deps.controllers.names)
      : tool;
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: compactSchema(inputSchema),
        outputSchema: compactSchema(outputSchema, { omitRequired: true }),
        annotations: tool.annotations,
        scopeChallenge: ({ request, authInfo }) =>
          authInfo && scopeChallenge(tool, identityFromAuth(authInfo), request.params?.arguments),
      },
      (input, ctx) => runTool(tool, input, { server, ctx, deps, offered, tool: tool.name }),
    );
  }
}

/** The actions a call of the tool takes with these (unvalidated) arguments: read, and what it writes. */
function actionsOf(tool: ToolDefinition, args: unknown): Action[] {
  const written = typeof tool.writes === "function" ? tool.writes(isRecord(args) ? args : {}) : tool.writes;
  return written ? ["read", written] : ["read"];
}

/**
 * The SDK's step-up signal (HTTP 403 insufficient_scope, before the handler runs) when an OAuth
 * client's token lacks a scope this call needs. It names every scope the call needs, granted or
 * not, as the MCP authorization spec asks of a scope challenge.
 */
function scopeChallenge(tool: ToolDefinition, client: Identity, args: unknown): ScopeChallenge | undefined {
  const scopes = client.scopes;
  if (!scopes) return undefined;
  const needed = actionsOf(tool, args);
  const missing = needed.filter((action) => !scopes.granted.has(action));
  if (missing.length === 0) return undefined;
  const [first, ...rest] = needed.map((action) => scopes.scopeOf(action));
  return {
    scopes: [first ?? scopes.scopeOf("read"), ...rest],
    errorDescription: `${tool.name} needs ${missing.map((action) => scopes.scopeOf(action)).join(" and ")}`,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Made once per tool and list of controllers: an HTTP server registers every tool on each request. */
const withController = new WeakMap<
  ToolDefinition,
  { key: string; inputSchema: z.ZodObject; outputSchema: z.ZodObject }
>();

function schemasWithController(tool: ToolDefinition, names: readonly string[]) {
  const key = names.join(",");
  let made = withController.get(tool);
  if (made?.key !== key) {
    made = {
      key,
      inputSchema: withControllerArgument(tool.inputSchema, names, Boolean(tool.acrossControllers)),
      outputSchema: tool.acrossControllers?.outputSchema ?? withControllerOutput(tool.outputSchema),
    };
    withController.set(tool, made);
  }
  return made;
}

interface Call {
  /** The tool's name, for log lines. */
  tool: string;
  server: McpServer;
  ctx: ServerContext;
  deps: RegistryDependencies;
  /** The names of the tools this server offers: advice after an error names only those. */
  offered: ReadonlySet<string>;
}

async function runTool(
  tool: ToolDefinition,
  input: unknown,
  call: Call,
): Promise<CallToolResult | InputRequiredResult> {
  const { ctx, deps } = call;
  const started = performance.now();
  const client = callerOf(deps, ctx).client.name;
  const logger = deps.logger.child({ tool: tool.name, client });
  const audit: AuditNote = {};
  const finish = (outcome: AuditEntry["outcome"], message: string, error?: unknown) => {
    const elapsed = performance.now() - started;
    const durationMs = Math.round(elapsed);
    logger.info({ ms: durationMs, outcome }, "tool call");
    deps.telemetry?.toolCall({
      tool: tool.name,
      outcome,
      seconds: elapsed / 1000,
      refusal: refusalOf(error),
    });
    const on = audit.controller ? ` (controller ${audit.controller})` : "";
    (deps.guard ?? NO_GUARD).audit?.record({
      client,
      tool: tool.name,
      controller: audit.controller,
      job: audit.job,
      parameters: audit.parameters,
      outcome,
      durationMs,
      message: `${client} ${message}${on}`,
      requestId: deps.requestId?.(),
      rule: audit.rule,
    });
  };
  // Answers of a call on one of several controllers say which, first thing.
  let label = "";
  try {
    // The call's Jenkins requests wait in this client's own line when Jenkins is busy.
    const result = await onBehalfOf(client, () =>
      runHandler(tool, input as Record<string, unknown>, call, audit, (controller) => {
        label = `[controller ${controller}] `;
      }),
    );
    finish("ok", audit.done ?? `called ${tool.name}${audit.job ? ` on ${audit.job}` : ""}`);
    return {
      content: [
        { type: "text", text: `${label}${result.text}` },
        ...(result.links ?? []).map((link) => ({ type: "resource_link" as const, ...link })),
      ],
      structuredContent: result.structured as Record<string, unknown>,
    };
  } catch (error) {
    if (error instanceof InputRequiredSignal) return error.result;
    const message = errorMessage(error, call.offered);
    if (error instanceof PolicyDenied) {
      audit.rule = error.rule ?? undefined;
      audit.job = error.job ?? audit.job;
    }
    finish(
      outcomeOf(error),
      `${error instanceof PolicyDenied ? "was refused" : "failed"} ${tool.name}${audit.job ? ` on ${audit.job}` : ""}: ${message}`,
      error,
    );
    if (!isExpected(error)) logger.error({ err: error }, "tool failed");
    return { content: [{ type: "text", text: `${label}${message}` }], isError: true };
  }
}

function refusalOf(error: unknown): "policy" | "rateCap" | undefined {
  if (error instanceof RateCapReached) return "rateCap";
  return error instanceof PolicyDenied ? "policy" : undefined;
}

/**
 * The handler's result: on a server of one controller, the tool's handler as is; with several, on
 * the controller the call names (its answer then carries `controller`), or, for tools that span
 * controllers, on the one named or all of them.
 */
async function runHandler(
  tool: ToolDefinition,
  input: Record<string, unknown>,
  call: Call,
  audit: AuditNote,
  onOne: (controller: string) => void,
): Promise<ToolResult<Record<string, unknown>>> {
  const signal = call.ctx.mcpReq.signal;
  const choice = call.deps.controllers;
  if (!choice) return tool.handler(input, toolContext(call, audit, undefined, signal));
  const across = tool.acrossControllers;
  const chosen = chooseController(input, choice.names, Boolean(across));
  const { controller } = chosen;
  if (across) {
    const controllers = controller ? [controller] : choice.names;
    audit.controller = controllers.join(",");
    if (controller) onOne(controller);
    return across.handler(chosen.input, {
      controllers,
      audit,
      gather: (work) =>
        controller
          ? onController(controller, async () => ({
              answers: [
                { controller, value: await work(toolContext(call, audit, controller, signal), controller) },
              ],
              unavailable: [],
            }))
          : gatherAcrossAll(controllers, call, audit, work),
    });
  }
  // chooseController names one for every tool that does not span controllers.
  const one = controller as string;
  audit.controller = one;
  onOne(one);
  const result = await onController(one, () =>
    tool.handler(chosen.input, toolContext(call, audit, one, signal)),
  );
  return { ...result, structured: { ...(result.structured as object), controller: one } };
}

/** Every controller's answer, each within the fan-out limits; an error when none answered. */
async function gatherAcrossAll<T>(
  controllers: readonly string[],
  call: Call,
  audit: AuditNote,
  work: (context: ToolContext, controller: string) => Promise<T>,
): Promise<Gathered<T>> {
  const limits = (call.deps.controllers as ControllerChoice).fanOut;
  const gathered = await gatherAcross(
    controllers,
    (controller, signal) =>
      onController(controller, () => work(toolContext(call, audit, controller, signal), controller)),
    limits,
    call.ctx.mcpReq.signal,
  );
  if (gathered.answers.length === 0) {
    const reasons = gathered.unavailable.map(({ controller, reason }) => `${controller}: ${reason}`);
    throw new ToolError(
      `No Jenkins controller answered (${reasons.join("; ")}); try again, or name one controller.`,
    );
  }
  return gathered;
}

/** What a handler works with, on `controller` when the server has several. */
function toolContext(
  call: Call,
  audit: AuditNote,
  controller: string | undefined,
  signal: AbortSignal,
): ToolContext {
  const { client: identity, guard, jenkins } = callerOf(call.deps, call.ctx, controller);
  const client = identity.name;
  const confirm = confirmerFor(call.server, call.ctx);
  const caller = { client: identity, guard, jenkins, signal, confirm };
  const job = async (action: Action, name: string, field?: string) => {
    const path = await permittedJob(caller, action, name, field);
    audit.job ??= formatJobPath(path);
    return path;
  };
  return {
    jenkins,
    controller,
    signal,
    progress: progressReporter(call.ctx),
    logger: call.deps.logger.child({ tool: call.tool, client, ...(controller ? { controller } : {}) }),
    client,
    audit,
    offers: (name) => call.offered.has(name),
    job,
    folder: (name, field) => listableFolder(caller, name, field),
    async readJob(name) {
      const found = await jenkins.getJob(await job("read", name), signal);
      audit.done = `read job ${found.fullName}`;
      return found;
    },
    async readBuild(name, number) {
      return jenkins.getBuild(await job("read", name), buildRef(number), signal);
    },
    async authorize(action, name, what) {
      audit.job ??= name;
      audit.rule = await guard.authorize(
        { client: identity, action, job: name, what: what ?? `${action} ${name}` },
        confirm,
      );
    },
    check(action, name) {
      audit.job ??= name ?? undefined;
      guard.check(identity, action, name);
    },
    mayList: (item) => guard.mayList(identity, item.fullName, isContainer(item.type)),
    mayRead: (name) => guard.mayRead(identity, name),
    mask: (text) => guard.masker.mask(text),
  };
}

function outcomeOf(error: unknown): AuditEntry["outcome"] {
  if (error instanceof PolicyDenied) return "denied";
  if (error instanceof ConfirmationDeclined) return "declined";
  return "error";
}

function isExpected(error: unknown): boolean {
  return (
    error instanceof ToolError ||
    error instanceof ControllerChoiceError ||
    error instanceof JenkinsError ||
    error instanceof PolicyDenied ||
    error instanceof ConfirmationDeclined
  );
}

function errorMessage(error: unknown, offered: ReadonlySet<string>): string {
  if (isExpected(error)) return messageWithAdvice(error as Error, offered);
  return `Unexpected error in jenkins-mcp (${(error as Error)?.message ?? String(error)}); the server log has details.`;
}

function progressReporter(ctx: ServerContext): (message: string) => Promise<void> {
  const token = ctx.mcpReq._meta?.progressToken;
  let progress = 0;
  return async (message: string) => {
    if (token === undefined) return;
    progress += 1;
    await ctx.mcpReq
      .notify({ method: "notifications/progress", params: { progressToken: token, progress, message } })
      .catch(() => undefined);
  };
}

type JsonObject = Record<string, unknown>;

/**
 * The schema as zod states it, minus what only costs context in every tools/list: `$schema`,
 * `additionalProperties: false`, `propertyNames: {type: "string"}` (JSON keys are strings), the
 * ±2^53 bounds that `.int()` adds and, for output schemas (whose fields are always present),
 * `required`. Validation stays zod's own.
 */
function compactSchema<Schema extends z.ZodType>(schema: Schema, options = { omitRequired: false }): Schema {
  const made = (options.omitRequired ? compactedOutputs : compactedInputs).get(schema);
  if (made) return made as Schema;
  const standard = schema["~standard"];
  const convert = standard.jsonSchema;
  // Over HTTP a server is built per request: each schema is converted once per process, not per call.
  const converted = new Map<string, JsonObject>();
  const once = (io: "input" | "output", target: Parameters<typeof convert.input>[0]) => {
    const key = `${io} ${JSON.stringify(target)}`;
    let json = converted.get(key);
    if (!json) {
      json = compactJson(convert[io](target), options.omitRequired);
      converted.set(key, json);
    }
    return json;
  };
  const jsonSchema = {
    input: (target: Parameters<typeof convert.input>[0]) => once("input", target),
    output: (target: Parameters<typeof convert.output>[0]) => once("output", target),
  };
  const compacted = { ...standard, jsonSchema };
  const proxy = new Proxy(schema, {
    get(target, property, receiver) {
      if (property === "~standard") return compacted;
      return Reflect.get(target, property, receiver);
    },
  });
  (options.omitRequired ? compactedOutputs : compactedInputs).set(schema, proxy);
  return proxy;
}

const compactedInputs = new WeakMap<z.ZodType, z.ZodType>();
const compactedOutputs = new WeakMap<z.ZodType, z.ZodType>();

function compactJson(value: JsonObject, omitRequired: boolean): JsonObject {
  return JSON.parse(JSON.stringify(value), (key, entry) => {
    if (key === "$schema" || (key === "additionalProperties" && entry === false)) return undefined;
    if (key === "propertyNames" && isStringType(entry)) return undefined;
    if (omitRequired && key === "required" && Array.isArray(entry)) return undefined;
    if ((key === "maximum" || key === "minimum") && Math.abs(entry) === Number.MAX_SAFE_INTEGER)
      return undefined;
    return entry;
  });
}

function isStringType(entry: unknown): boolean {
  return JSON.stringify(entry) === '{"type":"string"}';
}

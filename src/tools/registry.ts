import type {
  CallToolResult,
  InputRequiredResult,
  McpServer,
  ServerContext,
  ToolAnnotations,
} from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { AuditEntry } from "../guard/audit.js";
import { ConfirmationDeclined, Guard, PolicyDenied } from "../guard/guard.js";
import { type Action, STDIO_CLIENT } from "../guard/policy.js";
import type { Build } from "../jenkins/builds.js";
import type { JenkinsClient } from "../jenkins/client.js";
import { JenkinsError } from "../jenkins/errors.js";
import { isContainer, type JobType } from "../jenkins/items.js";
import type { Job } from "../jenkins/jobs.js";
import { formatJobPath, type JobPath } from "../jenkins/paths.js";
import type { Logger } from "../logger.js";
import { listableFolder, permittedJob } from "./access.js";
import { messageWithAdvice } from "./advice.js";
import { confirmerFor, InputRequiredSignal } from "./confirm.js";
import { buildRef } from "./schemas.js";
import type { Toolset } from "./toolsets.js";

/** What the audit line of a call says beyond its outcome; handlers fill it in as they learn it. */
interface AuditNote {
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

export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
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
  handler(input: z.output<Input>, context: ToolContext): Promise<ToolResult<z.input<Output>>>;
}

/** Keeps each definition's input and output types tied to its schemas. */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition {
  return definition as unknown as ToolDefinition;
}

/** A refusal the model can act on: returned as a tool result with `isError: true`. */
export class ToolError extends Error {
  override name = "ToolError";
}

export interface RegistryDependencies {
  jenkins: JenkinsClient;
  logger: Logger;
  guard?: Guard;
  /** The Jenkins identity a client acts as (a policy may name one per client); the shared one otherwise. */
  jenkinsFor?: (client: string) => JenkinsClient;
  /** The id of the HTTP request being served, to tie audit lines to access log lines. */
  requestId?: () => string | undefined;
}

const NO_GUARD = new Guard(undefined, undefined);

/** Who sends a request, the guardrails that apply to them, and the Jenkins identity they act as. */
export function callerOf(
  deps: RegistryDependencies,
  ctx: ServerContext,
): { client: string; guard: Guard; jenkins: JenkinsClient } {
  const client = ctx.http?.authInfo?.clientId ?? STDIO_CLIENT;
  return { client, guard: deps.guard ?? NO_GUARD, jenkins: deps.jenkinsFor?.(client) ?? deps.jenkins };
}

export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  deps: RegistryDependencies,
): void {
  const offered = new Set(tools.map((tool) => tool.name));
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: compactSchema(tool.inputSchema),
        outputSchema: compactSchema(tool.outputSchema, { omitRequired: true }),
        annotations: tool.annotations,
      },
      (input, ctx) => runTool(tool, input, { server, ctx, deps, offered }),
    );
  }
}

interface Call {
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
  const { client, guard, jenkins } = callerOf(deps, ctx);
  const logger = deps.logger.child({ tool: tool.name, client });
  const audit: AuditNote = {};
  const finish = (outcome: AuditEntry["outcome"], message: string) => {
    const durationMs = Math.round(performance.now() - started);
    logger.info({ ms: durationMs, outcome }, "tool call");
    guard.audit?.record({
      client,
      tool: tool.name,
      job: audit.job,
      parameters: audit.parameters,
      outcome,
      durationMs,
      message: `${client} ${message}`,
      requestId: deps.requestId?.(),
      rule: audit.rule,
    });
  };
  const confirm = confirmerFor(call.server, ctx);
  const signal = ctx.mcpReq.signal;
  const caller = { client, guard, jenkins, signal, confirm };
  const job = async (action: Action, name: string, field?: string) => {
    const path = await permittedJob(caller, action, name, field);
    audit.job ??= formatJobPath(path);
    return path;
  };
  try {
    const result = await tool.handler(input as z.output<z.ZodObject>, {
      jenkins,
      signal,
      progress: progressReporter(ctx),
      logger,
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
          { client, action, job: name, what: what ?? `${action} ${name}` },
          confirm,
        );
      },
      check(action, name) {
        audit.job ??= name ?? undefined;
        guard.check(client, action, name);
      },
      mayList: (item) => guard.mayList(client, item.fullName, isContainer(item.type)),
      mayRead: (name) => guard.mayRead(client, name),
      mask: (text) => guard.masker.mask(text),
    });
    finish("ok", audit.done ?? `called ${tool.name}${audit.job ? ` on ${audit.job}` : ""}`);
    return {
      content: [
        { type: "text", text: result.text },
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
    );
    if (!isExpected(error)) logger.error({ err: error }, "tool failed");
    return { content: [{ type: "text", text: message }], isError: true };
  }
}

function outcomeOf(error: unknown): AuditEntry["outcome"] {
  if (error instanceof PolicyDenied) return "denied";
  if (error instanceof ConfirmationDeclined) return "declined";
  return "error";
}

function isExpected(error: unknown): boolean {
  return (
    error instanceof ToolError ||
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

import type { CallToolResult, McpServer, ServerContext, ToolAnnotations } from "@modelcontextprotocol/server";
import type { z } from "zod";
import type { JenkinsClient } from "../jenkins/client.js";
import { JenkinsError } from "../jenkins/errors.js";
import type { Logger } from "../logger.js";

/** What a tool handler may use: the Jenkins adapter and the request it serves. Nothing of HTTP. */
export interface ToolContext {
  jenkins: JenkinsClient;
  signal: AbortSignal;
  /** Sends an MCP progress notification when the client asked for progress; a no-op otherwise. */
  progress(message: string): Promise<void>;
  logger: Logger;
}

export interface ToolResult<Output> {
  /** The short text a model reads. */
  text: string;
  structured: Output;
}

/** Tool groups, chosen with --toolsets (as github-mcp-server does). */
export const TOOLSETS = ["jobs", "builds", "logs", "queue", "pipelines", "system"] as const;
export type Toolset = (typeof TOOLSETS)[number];

export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  name: string;
  toolset: Toolset;
  /** Offered when no toolsets are chosen: the small default list a model reads. */
  core: boolean;
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
}

export function registerTools(
  server: McpServer,
  tools: readonly ToolDefinition[],
  deps: RegistryDependencies,
): void {
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
      (input, ctx) => runTool(tool, input, ctx, deps),
    );
  }
}

async function runTool(
  tool: ToolDefinition,
  input: unknown,
  ctx: ServerContext,
  deps: RegistryDependencies,
): Promise<CallToolResult> {
  const started = performance.now();
  const logger = deps.logger.child({ tool: tool.name });
  try {
    const result = await tool.handler(input as z.output<z.ZodObject>, {
      jenkins: deps.jenkins,
      signal: ctx.mcpReq.signal,
      progress: progressReporter(ctx),
      logger,
    });
    logger.info({ ms: Math.round(performance.now() - started), outcome: "ok" }, "tool call");
    return {
      content: [{ type: "text", text: result.text }],
      structuredContent: result.structured as Record<string, unknown>,
    };
  } catch (error) {
    const message = errorMessage(error);
    logger.info({ ms: Math.round(performance.now() - started), outcome: "error", message }, "tool call");
    if (!(error instanceof ToolError || error instanceof JenkinsError))
      logger.error({ err: error }, "tool failed");
    return { content: [{ type: "text", text: message }], isError: true };
  }
}

function errorMessage(error: unknown): string {
  if (error instanceof ToolError || error instanceof JenkinsError) return error.message;
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
 * `additionalProperties: false`, the ±2^53 bounds that `.int()` adds and, for output schemas
 * (whose fields are always present), `required`. Validation stays zod's own.
 */
export function compactSchema<Schema extends z.ZodType>(
  schema: Schema,
  options = { omitRequired: false },
): Schema {
  const standard = schema["~standard"];
  const convert = standard.jsonSchema;
  const jsonSchema = {
    input: (target: Parameters<typeof convert.input>[0]) =>
      compactJson(convert.input(target), options.omitRequired),
    output: (target: Parameters<typeof convert.output>[0]) =>
      compactJson(convert.output(target), options.omitRequired),
  };
  return new Proxy(schema, {
    get(target, property, receiver) {
      if (property === "~standard") return { ...standard, jsonSchema };
      return Reflect.get(target, property, receiver);
    },
  });
}

function compactJson(value: JsonObject, omitRequired: boolean): JsonObject {
  return JSON.parse(JSON.stringify(value), (key, entry) => {
    if (key === "$schema" || (key === "additionalProperties" && entry === false)) return undefined;
    if (omitRequired && key === "required" && Array.isArray(entry)) return undefined;
    if ((key === "maximum" || key === "minimum") && Math.abs(entry) === Number.MAX_SAFE_INTEGER)
      return undefined;
    return entry;
  });
}

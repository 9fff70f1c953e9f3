import { McpServer } from "@modelcontextprotocol/server";
import { registerPrompts } from "./prompts/index.js";
import { registerCompletions } from "./resources/completion.js";
import { registerResources } from "./resources/index.js";
import { allTools } from "./tools/index.js";
import { serverInstructions } from "./tools/instructions.js";
import { narrowTools, selectTools, type ToolChoice, ToolChoiceError } from "./tools/inventory.js";
import { type RegistryDependencies, registerTools, type ToolDefinition } from "./tools/registry.js";
import { packageInfo } from "./version.js";

export interface ServerDependencies extends RegistryDependencies {
  /** The tools to offer (selected once at start); the default set when omitted. */
  tools?: readonly ToolDefinition[];
}

const DEFAULT_TOOLS = selectTools(allTools, { readOnly: false, exclude: [] });

/** The lists never change while the server runs, so it announces no list changes. */
const CAPABILITIES = {
  tools: { listChanged: false },
  prompts: { listChanged: false },
  resources: { listChanged: false },
};

/**
 * Builds the MCP server. Cheap on purpose: the HTTP transport builds one per request, so the
 * Jenkins client (pools, caches) is created once by the caller and shared.
 */
export function buildServer(deps: ServerDependencies): McpServer {
  const tools = deps.tools ?? DEFAULT_TOOLS;
  const server = new McpServer(
    { name: packageInfo.name, version: packageInfo.version },
    { instructions: serverInstructions(tools), capabilities: CAPABILITIES },
  );
  registerTools(server, tools, deps);
  registerResources(server, deps);
  const offered = tools.map((tool) => tool.name);
  const prompts = registerPrompts(server, offered);
  registerCompletions(server, deps, prompts);
  return server;
}

export type { ToolChoice };

/**
 * Why a connection's choice of tools (the X-MCP-* headers) cannot be served, or undefined when it
 * can: it names a tool or toolset the server does not offer.
 */
export function refusedToolChoice(deps: ServerDependencies, choice: ToolChoice): string | undefined {
  try {
    narrowTools(deps.tools ?? DEFAULT_TOOLS, choice);
    return undefined;
  } catch (error) {
    if (error instanceof ToolChoiceError) return error.message;
    throw error;
  }
}

/** The server for one connection: the tools it chose, within the server's own. */
export function buildServerFor(deps: ServerDependencies, choice: ToolChoice | undefined): McpServer {
  return buildServer(choice ? { ...deps, tools: narrowTools(deps.tools ?? DEFAULT_TOOLS, choice) } : deps);
}

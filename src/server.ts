import { McpServer } from "@modelcontextprotocol/server";
import { registerPrompts } from "./prompts/index.js";
import { registerCompletions } from "./resources/completion.js";
import { registerResources } from "./resources/index.js";
import { allTools } from "./tools/index.js";
import { selectTools } from "./tools/inventory.js";
import { type RegistryDependencies, registerTools, type ToolDefinition } from "./tools/registry.js";
import { packageInfo } from "./version.js";

export interface ServerDependencies extends RegistryDependencies {
  /** The tools to offer (selected once at start); the default set when omitted. */
  tools?: readonly ToolDefinition[];
}

const DEFAULT_TOOLS = selectTools(allTools, { readOnly: false, exclude: [] });

const INSTRUCTIONS = [
  "Tools for one Jenkins server.",
  'Jobs are named by full name with folders separated by "/" (e.g. team/backend/api); searchJobs finds one by words of its name, getJobs lists a folder, getJob shows a job\'s parameters before triggerBuild.',
  "getFailureSummary says why a build failed; getBuildLog returns the last lines by default, where failures are.",
].join(" ");

/**
 * Builds the MCP server. Cheap on purpose: the HTTP transport builds one per request, so the
 * Jenkins client (pools, caches) is created once by the caller and shared.
 */
export function buildServer(deps: ServerDependencies): McpServer {
  const server = new McpServer(
    { name: packageInfo.name, version: packageInfo.version },
    { instructions: INSTRUCTIONS },
  );
  const tools = deps.tools ?? DEFAULT_TOOLS;
  registerTools(server, tools, deps);
  registerResources(server, deps);
  const offered = tools.map((tool) => tool.name);
  const prompts = registerPrompts(server, offered);
  registerCompletions(server, deps, prompts);
  return server;
}

import type { ToolDefinition } from "./registry.js";

const INTRODUCTION = [
  "Tools for one Jenkins server.",
  'Jobs are named by full name with folders separated by "/" (e.g. team/backend/api).',
];

const made = new WeakMap<readonly ToolDefinition[], string>();

/**
 * The server's instructions for the tools offered: each tool's own guide after its name, so they
 * never send a model to a tool this server does not offer (read-only mode, a narrow --tools).
 * Made once per selection: over HTTP a server is built for every request.
 */
export function serverInstructions(tools: readonly ToolDefinition[]): string {
  let text = made.get(tools);
  if (text === undefined) {
    const guides = tools.flatMap((tool) => (tool.guide ? [`${tool.name} ${tool.guide}`] : []));
    text = [...INTRODUCTION, ...(guides.length ? [`${guides.join("; ")}.`] : [])].join(" ");
    made.set(tools, text);
  }
  return text;
}

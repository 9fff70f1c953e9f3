import type { ToolSelection } from "../config.js";
import { ConfigError } from "../config.js";
import type { ToolDefinition } from "./registry.js";
import { TOOLSET_WORDS, TOOLSETS } from "./toolsets.js";

/**
 * The tools to offer, from every definition and the operator's selection. Read-only mode follows
 * the annotation: a tool that is not read-only is not registered at all, so no model ever sees it.
 * Unknown names stop the server at start, with the valid ones.
 */
export function selectTools(all: readonly ToolDefinition[], selection: ToolSelection): ToolDefinition[] {
  const names = all.map((tool) => tool.name);
  checkNames("JENKINS_MCP_TOOLS (--tools)", selection.only ?? [], names);
  checkNames("JENKINS_MCP_EXCLUDE_TOOLS (--exclude-tools)", selection.exclude, names);
  const toolsets = selection.toolsets ?? [];
  checkNames("JENKINS_MCP_TOOLSETS (--toolsets)", toolsets, [
    ...TOOLSETS.map((toolset) => toolset.id),
    ...TOOLSET_WORDS,
  ]);
  const chosen = all.filter((tool) => {
    if (selection.only) return selection.only.includes(tool.name);
    if (!selection.toolsets) return tool.core;
    return (
      toolsets.includes("all") ||
      toolsets.includes(tool.toolset) ||
      (tool.core && toolsets.includes("default"))
    );
  });
  return chosen.filter(
    (tool) =>
      !selection.exclude.includes(tool.name) && (!selection.readOnly || tool.annotations.readOnlyHint),
  );
}

function checkNames(setting: string, given: readonly string[], valid: readonly string[]): void {
  const unknown = given.filter((name) => !valid.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(`${setting} names unknown ${unknown.join(", ")}; valid: ${valid.join(", ")}`);
  }
}

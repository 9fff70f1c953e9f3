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

/** What one HTTP connection asks for, by the X-MCP-* headers: names as given, not yet checked. */
export interface ToolChoice {
  toolsets?: readonly string[];
  tools?: readonly string[];
  readOnly: boolean;
}

/** A connection asked for a tool or toolset this server does not offer. */
export class ToolChoiceError extends Error {
  override name = "ToolChoiceError";
}

/**
 * The tools one connection chose, within those the server offers (as github-mcp-server's remote
 * headers do): toolsets and tools together (`default` is the core tools among them, `all` every one),
 * then read-only. A choice can only narrow: naming what the server does not offer is refused with
 * what it does offer.
 */
export function narrowTools(
  offered: readonly ToolDefinition[],
  choice: ToolChoice,
): readonly ToolDefinition[] {
  const { toolsets, tools } = choice;
  let chosen = offered;
  if (toolsets || tools) {
    const offeredSets = new Set(offered.map((tool) => tool.toolset));
    const validSets = [
      ...TOOLSETS.map((toolset) => toolset.id).filter((id) => offeredSets.has(id)),
      ...TOOLSET_WORDS,
    ];
    refuseUnknown("X-MCP-Toolsets", toolsets ?? [], validSets, "toolsets");
    refuseUnknown(
      "X-MCP-Tools",
      tools ?? [],
      offered.map((tool) => tool.name),
      "tools",
    );
    chosen = offered.filter(
      (tool) =>
        tools?.includes(tool.name) ||
        toolsets?.includes("all") ||
        toolsets?.includes(tool.toolset) ||
        (tool.core && toolsets?.includes("default")),
    );
  }
  return choice.readOnly ? chosen.filter((tool) => tool.annotations.readOnlyHint) : chosen;
}

function refuseUnknown(
  header: string,
  given: readonly string[],
  valid: readonly string[],
  what: string,
): void {
  const unknown = given.filter((name) => !valid.includes(name));
  if (unknown.length > 0) {
    throw new ToolChoiceError(
      `${header} names ${unknown.join(", ")}, which this server does not offer (a header can only narrow the server's own choice); it offers the ${what}: ${valid.join(", ")}`,
    );
  }
}

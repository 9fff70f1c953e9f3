import { fillBlock, table } from "../markdown.js";
import { allTools } from "./index.js";
import type { ToolDefinition } from "./registry.js";
import { TOOLSETS } from "./toolsets.js";

/**
 * README.md's table of tools, made from the definitions themselves so that it cannot drift from
 * them: name, toolset, whether the default list offers it, whether it changes Jenkins, and the
 * first clause of its description.
 */
export function withToolsTable(markdown: string, tools: readonly ToolDefinition[] = allTools): string {
  const rows = TOOLSETS.flatMap(({ id }) =>
    tools
      .filter((tool) => tool.toolset === id)
      .map((tool) => [`\`${tool.name}\``, `\`${id}\``, tool.core ? "yes" : "", changes(tool), summary(tool)]),
  );
  return fillBlock(
    markdown,
    "tools",
    table(["Tool", "Toolset", "Default", "Changes Jenkins", "What it does"], rows),
  );
}

/** docs/tools.md's table of toolsets: what each is for, and its tools, default ones first. */
export function withToolsetsTable(markdown: string, tools: readonly ToolDefinition[] = allTools): string {
  const rows = TOOLSETS.map(({ id, description }) => {
    const names = tools.filter((tool) => tool.toolset === id).map((tool) => `\`${tool.name}\``);
    return [`\`${id}\``, description, names.join(", ")];
  });
  return fillBlock(markdown, "toolsets", table(["Toolset", "For", "Tools"], rows));
}

function changes(tool: ToolDefinition): string {
  if (tool.annotations.readOnlyHint) return "";
  return tool.annotations.destructiveHint ? "yes (destructive)" : "yes";
}

/** The description up to its first colon or full stop: what the tool does, without the how. */
function summary(tool: ToolDefinition): string {
  const [first] = tool.description.split(/(?<=\S)(?::|\.) /);
  return (first ?? tool.description).replace(/\.$/, "").replaceAll("|", "\\|");
}

import type { IncomingHttpHeaders } from "node:http";
import type { ToolChoice } from "../../server.js";

/**
 * github-mcp-server's per-connection headers (docs/remote-server.md): `X-MCP-Toolsets` and
 * `X-MCP-Tools`, comma-separated, whitespace ignored; `X-MCP-Readonly` (also spelt
 * `X-MCP-Read-Only` here) is false when empty or false/f/no/n/0/off in any case, true otherwise.
 * Undefined when the request sends none of them.
 */
export function toolChoiceFromHeaders(headers: IncomingHttpHeaders): ToolChoice | undefined {
  const toolsets = list(headers["x-mcp-toolsets"]);
  const tools = list(headers["x-mcp-tools"]);
  const readOnlyHeader = headers["x-mcp-read-only"] ?? headers["x-mcp-readonly"];
  if (toolsets === undefined && tools === undefined && readOnlyHeader === undefined) return undefined;
  return {
    ...(toolsets ? { toolsets } : {}),
    ...(tools ? { tools } : {}),
    readOnly: readOnlyHeader !== undefined && isTrue(String(readOnlyHeader)),
  };
}

const FALSE_WORDS = new Set(["", "false", "f", "no", "n", "0", "off"]);

function isTrue(value: string): boolean {
  return !FALSE_WORDS.has(value.trim().toLowerCase());
}

/** The names of a comma-separated header; undefined when absent or empty (the server's own choice). */
function list(value: string | string[] | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = (Array.isArray(value) ? value.join(",") : value)
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  return names.length > 0 ? names : undefined;
}

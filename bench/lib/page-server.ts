/**
 * The SDK alone, serving log pages over stdio: one tool that answers a ready-made page of the big
 * log as getBuildLog does (the text, and again in structured content), with no Jenkins, no line
 * splitting and no masking. What it reaches is a ceiling for reading a log in pages on this machine.
 * Spawned by the log paging scenario: `node page-server.js <page characters>`.
 */
import { McpServer } from "@modelcontextprotocol/server";
import { StdioServerTransport } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";
import { bigLogLine } from "../../test/support/jenkins-simulator.js";

const pageChars = Number(process.argv[2]);
const lines: string[] = [];
for (let size = 0, n = 1; size < pageChars; n++) {
  const line = bigLogLine(n).slice(0, -1);
  lines.push(line);
  size += line.length + 1;
}
const text = lines.join("\n");
/** Bytes of the log file the page stands for: each line and its LF. */
const logBytes = text.length + 1;

const server = new McpServer({ name: "sdk-page-server", version: "1.0.0" });
server.registerTool(
  "page",
  {
    inputSchema: z.object({ cursor: z.string() }),
    outputSchema: z.object({ text: z.string(), lineCount: z.number(), logBytes: z.number() }),
  },
  async () => ({
    content: [{ type: "text", text }],
    structuredContent: { text, lineCount: lines.length, logBytes },
  }),
);
await server.connect(new StdioServerTransport());

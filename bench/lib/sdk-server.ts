/**
 * The SDK alone: an MCP server whose tools answer ready-made results at once, with no Jenkins, no
 * guard and no logging, served the way the SDK's guides serve one. What it reaches on this machine
 * bounds what a server built that way can reach there; the bench shows it beside jenkins-mcp's rows.
 * (jenkins-mcp serves stdio the same way, but stateless HTTP through its own Node bridge, which is
 * cheaper than `toNodeHandler`: there it is a reference.)
 *
 *   node sdk-server.js stdio | stateless | session
 *
 * SDK_SERVER_ANSWERS holds the answers, `{"toolName": {"text": …, "structured": {…}}}`;
 * SDK_SERVER_PAGE_CHARS adds a `page` tool answering a log page of that many characters as
 * getBuildLog does (the text, and again in structured content). Over HTTP the server prints its URL.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NodeStreamableHTTPServerTransport, toNodeHandler } from "@modelcontextprotocol/node";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { serveStdio } from "@modelcontextprotocol/server/stdio";
import { z } from "zod";
import { bigLogLine } from "../../simulator/jenkins-simulator.js";
import type { ReadyAnswer, SdkServerMode } from "./processes.js";

const answers = JSON.parse(process.env.SDK_SERVER_ANSWERS ?? "{}") as Record<string, ReadyAnswer>;
const page = process.env.SDK_SERVER_PAGE_CHARS
  ? logPage(Number(process.env.SDK_SERVER_PAGE_CHARS))
  : undefined;

/** The big log's first lines, about `chars` characters of them. */
function logPage(chars: number): ReadyAnswer {
  const lines: string[] = [];
  for (let size = 0, n = 1; size < chars; n++) {
    const line = bigLogLine(n).slice(0, -1);
    lines.push(line);
    size += line.length + 1;
  }
  const text = lines.join("\n");
  // logBytes: what the page stands for in the log file, each line with its LF.
  return { text, structured: { text, lineCount: lines.length, logBytes: text.length + 1 } };
}

function buildServer(): McpServer {
  const server = new McpServer({ name: "sdk-alone", version: "1.0.0" });
  const all = page ? { ...answers, page } : answers;
  for (const [name, answer] of Object.entries(all)) {
    server.registerTool(
      name,
      {
        description: `Answers a ready-made ${name} result.`,
        inputSchema: z.object({ jobFullName: z.string().optional(), cursor: z.string().optional() }).loose(),
        outputSchema: z.object({}).loose(),
      },
      async () => ({ content: [{ type: "text", text: answer.text }], structuredContent: answer.structured }),
    );
  }
  return server;
}

/** 2025 sessions as the SDK's guide serves them: a server and a transport for each session. */
function sessionsHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const sessions = new Map<string, NodeStreamableHTTPServerTransport>();
  return async (req, res) => {
    const id = req.headers["mcp-session-id"];
    let transport = typeof id === "string" ? sessions.get(id) : undefined;
    if (!transport) {
      const created = new NodeStreamableHTTPServerTransport({
        sessionIdGenerator: () => randomUUID(),
        onsessioninitialized: (sessionId) => {
          sessions.set(sessionId, created);
        },
      });
      created.onclose = () => {
        if (created.sessionId) sessions.delete(created.sessionId);
      };
      await buildServer().connect(created);
      transport = created;
    }
    await transport.handleRequest(req, res);
  };
}

async function serveHttp(mode: "stateless" | "session"): Promise<void> {
  const handler =
    mode === "stateless"
      ? toNodeHandler(createMcpHandler(() => buildServer(), { legacy: "stateless" }))
      : sessionsHandler();
  const server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp\n`);
}

const mode = process.argv[2] as SdkServerMode;
if (mode === "stdio") serveStdio(() => buildServer());
else if (mode === "stateless" || mode === "session") await serveHttp(mode);
else throw new Error(`usage: sdk-server.js stdio|stateless|session, not ${mode}`);

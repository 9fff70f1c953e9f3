import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { fileURLToPath } from "node:url";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { JenkinsSimulator, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import type { ServerDependencies } from "../../src/server.js";
import { type HttpServerHandle, startHttpServer } from "../../src/transports/http/index.js";

export const TOKEN = "alice-token-0123456789abcdef";

export type LogLine = Record<string, unknown> & { msg?: string };

/**
 * A log destination in memory, for the product's own logger: assertions on what the logs hold, or
 * never hold (tokens, credentials), test the product's redaction.
 */
function memoryLog(): { destination: Writable; lines: LogLine[]; text: () => string } {
  const lines: LogLine[] = [];
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split("\n").filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as LogLine);
      }
      callback();
    },
  });
  return { destination: sink, lines, text: () => raw.join("\n") };
}

export interface TestServer {
  url: string;
  handle: HttpServerHandle;
  logs: LogLine[];
  logText(): string;
  close(): Promise<void>;
}

/** The HTTP server on a free loopback port, talking to `jenkinsUrl` as the simulator's admin. */
export async function startServer(
  jenkinsUrl: string,
  env: Record<string, string> = {},
  extra: Partial<ServerDependencies> = {},
): Promise<TestServer> {
  const config = loadConfig({
    JENKINS_URL: jenkinsUrl,
    JENKINS_USER: SIMULATOR_USERS.admin.id,
    JENKINS_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
    MCP_TRANSPORT: "http",
    MCP_PORT: "0",
    MCP_AUTH_TOKEN: TOKEN,
    LOG_LEVEL: "debug",
    ...env,
  });
  const { destination, lines, text } = memoryLog();
  const app = createApp(config, { logDestination: destination });
  const handle = await startHttpServer(config.http, { ...app.dependencies, ...extra });
  let closed = false;
  return {
    url: handle.url,
    handle,
    logs: lines,
    logText: text,
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
      await app.close();
    },
  };
}

export async function startSimulator(): Promise<JenkinsSimulator> {
  return JenkinsSimulator.start({ quietPeriodMs: 50, buildDurationMs: 200 });
}

export type ClientKind = "v2-modern" | "v2-legacy" | "v1";

/** The calls the tests make, whichever SDK generation and protocol era drive them. */
export interface TestClient {
  kind: ClientKind;
  callTool(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolResult>;
  listTools(): Promise<string[]>;
  /** Every listed tool with its input schema (JSON Schema). */
  tools(): Promise<ListedTool[]>;
  sessionId(): string | undefined;
  close(): Promise<void>;
}

export interface ListedTool {
  name: string;
  inputSchema: { properties?: Record<string, { type?: string | string[] }>; required?: string[] };
}

export interface ToolResult {
  isError?: boolean;
  content?: unknown;
  structuredContent?: Record<string, unknown>;
}

export function bearer(token = TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function connect(
  kind: ClientKind,
  url: string,
  token = TOKEN,
  headers: Record<string, string> = {},
): Promise<TestClient> {
  const requestInit = { headers: { ...bearer(token), ...headers } };
  if (kind === "v1") {
    const client = new V1Client({ name: "test-v1", version: "1.0.0" });
    const transport = new V1Transport(new URL(url), { requestInit });
    await client.connect(transport);
    return {
      kind,
      callTool: async (name, args, signal) =>
        (await client.callTool({ name, arguments: args }, undefined, signal ? { signal } : {})) as ToolResult,
      listTools: async () => (await client.listTools()).tools.map((tool) => tool.name),
      tools: async () => (await client.listTools()).tools as ListedTool[],
      sessionId: () => transport.sessionId,
      close: async () => {
        await transport.terminateSession().catch(() => undefined);
        await client.close();
      },
    };
  }
  const mode = kind === "v2-modern" ? "auto" : "legacy";
  const client = new Client({ name: `test-${kind}`, version: "1.0.0" }, { versionNegotiation: { mode } });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit });
  await client.connect(transport);
  const era = client.getProtocolEra();
  if (era !== (kind === "v2-modern" ? "modern" : "legacy")) throw new Error(`${kind} connected as ${era}`);
  return {
    kind,
    callTool: async (name, args, signal) =>
      (await client.callTool({ name, arguments: args }, signal ? { signal } : {})) as ToolResult,
    listTools: async () => (await client.listTools()).tools.map((tool) => tool.name),
    tools: async () => (await client.listTools()).tools as ListedTool[],
    sessionId: () => transport.sessionId,
    close: async () => {
      await transport.terminateSession().catch(() => undefined);
      await client.close();
    },
  };
}

export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

/** A 2025-era JSON-RPC message posted by hand, for what SDK clients would never send. */
export function rpc(
  method: string,
  params: Record<string, unknown> = {},
  id: number | undefined = 1,
): string {
  return JSON.stringify({ jsonrpc: "2.0", method, params, ...(id === undefined ? {} : { id }) });
}

export const INITIALIZE = rpc("initialize", {
  protocolVersion: "2025-06-18",
  capabilities: {},
  clientInfo: { name: "raw", version: "1.0.0" },
});

/** Opens a 2025 session by hand and returns its id. */
export async function openSession(url: string, token = TOKEN): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...bearer(token) },
    body: INITIALIZE,
  });
  await response.text();
  const id = response.headers.get("mcp-session-id");
  if (response.status !== 200 || !id) throw new Error(`initialize answered ${response.status}`);
  const initialized = await fetch(url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...bearer(token), "mcp-session-id": id, "mcp-protocol-version": "2025-06-18" },
    body: rpc("notifications/initialized", {}, undefined),
  });
  await initialized.text();
  return id;
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const CLI = join(ROOT, "dist", "cli.js");

/** Builds dist/ when a source file is newer than the built CLI (npm test builds first; a lone vitest may not). */
export function ensureBuilt(): void {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  const sources = readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".ts"))
    .map((file) => statSync(join(ROOT, "src", file)).mtimeMs);
  if (Math.max(...sources) <= built) return;
  execFileSync(process.execPath, [join(ROOT, "scripts", "build.mjs")], { cwd: ROOT, stdio: "inherit" });
}

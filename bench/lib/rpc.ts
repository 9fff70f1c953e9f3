import type { ChildProcess } from "node:child_process";
import { Pool } from "undici";
import { MCP_TOKEN, ServerProcess, serverEnv } from "./processes.js";

/**
 * Lean MCP clients: JSON-RPC written and read by hand, so that what is timed is the server and the
 * wire, not a client library. The e2e and transport tests check the same answers with the SDK clients.
 */

export interface RpcAnswer {
  /** The JSON-RPC `result`. */
  result: Record<string, unknown>;
  /** Bytes of the whole JSON-RPC message as it came over the wire. */
  bytes: number;
}

const CLIENT_INFO = { name: "jenkins-mcp-bench", version: "1.0.0" };
const LEGACY_VERSION = "2025-11-25";
const MODERN_VERSION = "2026-07-28";

interface Pending {
  resolve(answer: RpcAnswer): void;
  reject(error: Error): void;
}

/** Newline-delimited JSON-RPC over a spawned server's stdin and stdout. */
export class StdioRpc {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private buffered: string[] = [];

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => this.receive(text));
    child.once("exit", (code) => {
      for (const pending of this.pending.values()) pending.reject(new Error(`server exited with ${code}`));
      this.pending.clear();
    });
  }

  /** Spawns the CLI over stdio and initializes a 2025-11-25 session. */
  static async start(
    jenkinsUrl: string,
    extra: Record<string, string> = {},
  ): Promise<{ server: ServerProcess; rpc: StdioRpc }> {
    const server = ServerProcess.spawn(serverEnv(jenkinsUrl, extra));
    const rpc = new StdioRpc(server.child);
    await rpc.initialize();
    return { server, rpc };
  }

  /** Sends initialize and notifications/initialized back to back, as clients do. */
  async initialize(): Promise<RpcAnswer> {
    const answer = this.request("initialize", {
      protocolVersion: LEGACY_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    this.notify("notifications/initialized");
    return answer;
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
    });
  }

  notify(method: string, params: Record<string, unknown> = {}): void {
    this.child.stdin?.write(`${JSON.stringify({ jsonrpc: "2.0", method, params })}\n`);
  }

  callTool(name: string, args: Record<string, unknown>): Promise<RpcAnswer> {
    return this.request("tools/call", { name, arguments: args });
  }

  /** Splits stdout into lines, scanning each chunk once: a log page is a megabyte in 16 chunks. */
  private receive(text: string): void {
    let from = 0;
    for (let end = text.indexOf("\n"); end >= 0; end = text.indexOf("\n", from)) {
      this.buffered.push(text.slice(from, end));
      const line = this.buffered.join("");
      this.buffered = [];
      settle(this.pending, line, Buffer.byteLength(line));
      from = end + 1;
    }
    if (from < text.length) this.buffered.push(text.slice(from));
  }
}

function settle(pending: Map<number, Pending>, line: string, bytes: number): void {
  if (line.trim() === "") return;
  const message = JSON.parse(line) as { id?: number; result?: Record<string, unknown>; error?: unknown };
  if (typeof message.id !== "number") return;
  const waiter = pending.get(message.id);
  if (!waiter) return;
  pending.delete(message.id);
  if (message.result) waiter.resolve({ result: message.result, bytes });
  else waiter.reject(new Error(`JSON-RPC error: ${JSON.stringify(message.error)}`));
}

export type HttpMode = "stateless" | "session";

/**
 * One MCP client of the HTTP transport. "stateless": 2026-07-28 requests, each complete in itself
 * (the server builds its answer per request); "session": a 2025-11-25 session (`Mcp-Session-Id`).
 */
export class HttpRpc {
  private nextId = 1;
  private sessionId: string | undefined;
  private readonly path: string;

  constructor(
    private readonly pool: Pool,
    url: string,
    readonly mode: HttpMode,
  ) {
    this.path = new URL(url).pathname;
  }

  /** A keep-alive pool to the server: one connection per concurrent client. */
  static pool(url: string, connections: number): Pool {
    return new Pool(new URL(url).origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  }

  get session(): string | undefined {
    return this.sessionId;
  }

  /** Opens the session (session mode) as clients do: initialize, initialized, then tools/list. */
  async open(): Promise<void> {
    if (this.mode !== "session") return;
    const { headers } = await this.post("initialize", {
      protocolVersion: LEGACY_VERSION,
      capabilities: {},
      clientInfo: CLIENT_INFO,
    });
    const id = headers["mcp-session-id"];
    if (typeof id !== "string") throw new Error("initialize answered without Mcp-Session-Id");
    this.sessionId = id;
    await this.post("notifications/initialized", undefined, { notification: true });
    await this.request("tools/list");
  }

  async close(): Promise<void> {
    if (!this.sessionId) return;
    const response = await this.pool.request({
      method: "DELETE",
      path: this.path,
      headers: this.headers(),
    });
    await response.body.dump();
    this.sessionId = undefined;
  }

  async request(method: string, params: Record<string, unknown> = {}): Promise<RpcAnswer> {
    const { answer } = await this.post(method, params);
    if (!answer) throw new Error(`no answer to ${method}`);
    return answer;
  }

  callTool(name: string, args: Record<string, unknown>): Promise<RpcAnswer> {
    return this.request("tools/call", { name, arguments: args });
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${MCP_TOKEN}`,
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      ...extra,
    };
    if (this.mode === "stateless") headers["mcp-protocol-version"] = MODERN_VERSION;
    if (this.sessionId) {
      headers["mcp-session-id"] = this.sessionId;
      headers["mcp-protocol-version"] = LEGACY_VERSION;
    }
    return headers;
  }

  private async post(
    method: string,
    params: Record<string, unknown> | undefined,
    options: { notification?: boolean } = {},
  ): Promise<{ answer?: RpcAnswer; headers: Record<string, string | string[] | undefined> }> {
    const id = this.nextId++;
    const modern = this.mode === "stateless";
    const fullParams = modern
      ? {
          ...params,
          _meta: {
            "io.modelcontextprotocol/protocolVersion": MODERN_VERSION,
            "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
            "io.modelcontextprotocol/clientCapabilities": {},
          },
        }
      : params;
    const message = {
      jsonrpc: "2.0",
      method,
      ...(fullParams ? { params: fullParams } : {}),
      ...(options.notification ? {} : { id }),
    };
    const routing: Record<string, string> = {};
    if (modern) {
      routing["mcp-method"] = method;
      const name = params?.name;
      if (method === "tools/call" && typeof name === "string") routing["mcp-name"] = name;
    }
    const response = await this.pool.request({
      method: "POST",
      path: this.path,
      headers: this.headers(routing),
      body: JSON.stringify(message),
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) {
      throw new Error(`${method} answered ${response.statusCode}: ${text.slice(0, 300)}`);
    }
    if (options.notification) return { headers: response.headers };
    const type = String(response.headers["content-type"] ?? "");
    const lines = type.startsWith("text/event-stream")
      ? text
          .split("\n")
          .filter((line) => line.startsWith("data: "))
          .map((line) => line.slice(6))
      : [text];
    const pending = new Map<number, Pending>();
    let answer: RpcAnswer | undefined;
    let failure: Error | undefined;
    pending.set(id, { resolve: (value) => (answer = value), reject: (error) => (failure = error) });
    for (const line of lines) settle(pending, line, Buffer.byteLength(line));
    if (failure) throw failure;
    return answer ? { answer, headers: response.headers } : { headers: response.headers };
  }
}

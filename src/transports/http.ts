import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthInfo, RequestId } from "@modelcontextprotocol/server";
import { ConfigError, type HttpConfig, isLoopbackHost } from "../config.js";
import { TokenAuthenticator } from "../http/auth.js";
import { drain, readBody } from "../http/body.js";
import { currentRequestId, type RequestContext, requestScopedLogger, runInContext } from "../http/context.js";
import { McpEndpoint } from "../http/endpoint.js";
import { RequestGuards } from "../http/guards.js";
import { ReadinessProbe } from "../http/readiness.js";
import { ErrorCode, jsonRpcError } from "../http/responses.js";
import type { Logger } from "../logger.js";
import { buildServer, type ServerDependencies } from "../server.js";

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  /** Stops accepting, lets in-flight calls finish within the grace period, then closes every session. */
  close(): Promise<void>;
}

export const MCP_PATH = "/mcp";

/** Starts serving; resolves once the port is bound. */
export async function startHttpServer(
  config: HttpConfig,
  deps: ServerDependencies,
): Promise<HttpServerHandle> {
  const front = new HttpFront(config, deps);
  const url = await front.listen();
  return { url, close: () => front.shutdown() };
}

/** Serves over HTTP until SIGTERM or SIGINT, then shuts down gracefully; a second signal cuts it short. */
export async function runHttp(config: HttpConfig, deps: ServerDependencies): Promise<void> {
  const handle = await startHttpServer(config, deps);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  deps.logger.info(
    { signal, graceMs: config.shutdownGraceMs },
    "shutting down: finishing in-flight requests",
  );
  const force = () => {
    deps.logger.warn("second signal: exiting without waiting");
    process.exit(1);
  };
  process.once("SIGTERM", force);
  process.once("SIGINT", force);
  await handle.close();
  deps.logger.info("stopped");
}

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How long an event stream's headers wait for its first event before they are sent alone. */
const HEADERS_WAIT_FOR_EVENT_MS = 50;
const CORS_ALLOW_METHODS = "GET, POST, DELETE";
const CORS_EXPOSE = "mcp-session-id, mcp-protocol-version, www-authenticate, x-request-id";
/** Headers that must not travel further than authentication (the SDK hands the request to tools). */
const STRIPPED_HEADERS = new Set(["authorization", "cookie", "proxy-authorization"]);

interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  context: RequestContext;
  /** JSON-RPC methods of the body, for the access log. */
  rpc?: string;
  /** Set once the Origin passed the guard: only then do answers carry CORS headers. */
  corsOrigin?: string;
}

class HttpFront {
  private readonly server: Server;
  private readonly logger: Logger;
  private readonly guards: RequestGuards;
  private readonly auth: TokenAuthenticator;
  private readonly endpoint: McpEndpoint;
  private readonly readiness: ReadinessProbe;
  /** MCP requests being served, except streams (GET, subscriptions/listen), which never end on their own. */
  private readonly inflight = new Set<ServerResponse>();
  /** Those streams: ended when shutdown starts. */
  private readonly streams = new Set<CallLimits>();
  private onIdle: (() => void) | undefined;
  private draining: Promise<void> | undefined;

  constructor(
    private readonly config: HttpConfig,
    deps: ServerDependencies,
  ) {
    this.logger = requestScopedLogger(deps.logger);
    this.guards = new RequestGuards(config);
    this.auth = new TokenAuthenticator(config.tokens);
    // Audit lines carry the id of the HTTP request that caused them, whoever started this server.
    const serverDeps = { ...deps, logger: this.logger, requestId: deps.requestId ?? currentRequestId };
    this.endpoint = new McpEndpoint(config, () => buildServer(serverDeps), this.logger);
    this.readiness = new ReadinessProbe(deps.jenkins);
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  async listen(): Promise<string> {
    const { host, port } = this.config;
    await new Promise<void>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) =>
        reject(
          // A setting the operator must change, reported like any other configuration mistake.
          new ConfigError(
            `Cannot listen on ${host}:${port} (${error.code ?? error.message}): check MCP_HOST and MCP_PORT`,
          ),
        );
      this.server.once("error", fail);
      this.server.listen(port, host, () => {
        this.server.off("error", fail);
        resolve();
      });
    });
    const bound = this.server.address() as AddressInfo;
    const address = bound.address.includes(":") ? `[${bound.address}]` : bound.address;
    const url = `http://${address}:${bound.port}${MCP_PATH}`;
    this.warnAboutExposure();
    this.logger.info(
      { url, stateless: this.config.stateless, clients: this.config.tokens.length },
      "jenkins-mcp serving over HTTP",
    );
    return url;
  }

  shutdown(): Promise<void> {
    this.draining ??= this.drain();
    return this.draining;
  }

  private warnAboutExposure(): void {
    if (isLoopbackHost(this.config.host)) return;
    if (!this.auth.required) {
      this.logger.warn(
        { host: this.config.host },
        "serving WITHOUT authentication on a non-loopback address: anyone who reaches this port acts as the Jenkins user",
      );
    }
    if (!this.guards.checksHost) {
      this.logger.info("Host header not checked: set MCP_ALLOWED_HOSTS to the names clients use");
    }
  }

  private async drain(): Promise<void> {
    this.server.close();
    this.server.closeIdleConnections();
    this.endpoint.closeStreams();
    for (const stream of this.streams) stream.abort(new Error("the server is shutting down"));
    await this.inflightDone(this.config.shutdownGraceMs);
    if (this.inflight.size > 0) {
      this.logger.warn({ requests: this.inflight.size }, "grace period over: cancelling unfinished requests");
    }
    await this.endpoint.close();
    this.server.closeAllConnections();
  }

  private inflightDone(graceMs: number): Promise<void> {
    if (this.inflight.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, graceMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.onIdle = done;
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const offered = req.headers["x-request-id"];
    const requestId = typeof offered === "string" && VALID_REQUEST_ID.test(offered) ? offered : randomUUID();
    const exchange: Exchange = { req, res, context: { requestId } };
    res.setHeader("x-request-id", requestId);
    res.once("close", () => this.accessLog(exchange, started));
    try {
      await runInContext(exchange.context, () => this.route(exchange));
    } catch (error) {
      this.logger.error({ err: error, requestId }, "request failed");
      if (!res.headersSent) await this.refuse(exchange, 500, "Internal server error");
      else res.destroy();
    }
  }

  private async route(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    const path = pathOf(req.url);
    if (this.draining) {
      exchange.res.setHeader("connection", "close");
      return this.refuse(exchange, 503, "The server is shutting down", { "retry-after": "1" });
    }
    const probe = req.method === "GET" || req.method === "HEAD";
    if (path === "/healthz" && probe) return this.sendJson(exchange, 200, { status: "ok" });
    if (path === "/readyz" && probe) return this.ready(exchange);
    if (path !== MCP_PATH) return this.refuse(exchange, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
    return this.mcp(exchange);
  }

  /** Shutdown waits for these; notification streams (GET) are left out, as they never end on their own. */
  private track(res: ServerResponse): void {
    this.inflight.add(res);
    res.once("close", () => this.settled(res));
  }

  /** A long-lived stream: no timeout, not waited for at shutdown but ended when it starts. */
  private holdStream(res: ServerResponse, call: CallLimits): void {
    this.settled(res);
    this.streams.add(call);
    res.once("close", () => this.streams.delete(call));
  }

  private settled(res: ServerResponse): void {
    this.inflight.delete(res);
    if (this.inflight.size === 0) this.onIdle?.();
  }

  private async ready(exchange: Exchange): Promise<void> {
    const readiness = await this.readiness.check();
    if (readiness.ready) {
      return this.sendJson(exchange, 200, { status: "ready", jenkinsVersion: readiness.jenkinsVersion });
    }
    return this.sendJson(exchange, 503, { status: "unavailable", reason: readiness.reason });
  }

  private async mcp(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    const guard = this.check(req);
    if (guard) return this.refuse(exchange, 403, guard);
    if (req.headers.origin) exchange.corsOrigin = req.headers.origin;
    if (req.method === "OPTIONS") return this.preflight(exchange);
    const client = this.auth.authenticate(req.headers.authorization);
    if (client === undefined) return this.unauthorized(exchange);
    exchange.context.client = client;
    const session = req.headers["mcp-session-id"];
    if (typeof session === "string") exchange.context.session = session;
    if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") {
      return this.refuse(exchange, 405, "Method not allowed", { allow: CORS_ALLOW_METHODS });
    }
    if (req.method !== "GET") this.track(exchange.res);
    return this.forward(exchange, client);
  }

  private check(req: IncomingMessage): string | undefined {
    const host = this.guards.host(req.headers.host);
    if (!host.ok) return host.message;
    const origin = this.guards.origin(req.headers.origin);
    return origin.ok ? undefined : origin.message;
  }

  /** Reads the body, hands the request to the MCP endpoint, and streams its answer back. */
  private async forward(exchange: Exchange, client: string): Promise<void> {
    const { req, res } = exchange;
    let body: string | undefined;
    if (req.method === "POST") {
      const read = await readBody(req, this.config.maxBodyBytes);
      if (read.kind === "aborted") return;
      if (read.kind === "tooLarge") {
        return this.refuse(exchange, 413, `Request body larger than ${this.config.maxBodyBytes} bytes`);
      }
      body = read.text;
    }
    const parsedBody = parseJson(body);
    exchange.rpc = rpcSummary(parsedBody);
    const long = req.method === "GET" || isListen(parsedBody);
    const call = new CallLimits(res, long ? undefined : this.config.requestTimeoutMs);
    if (long) this.holdStream(res, call);
    try {
      const request = webRequest(req, body, call.signal);
      // The token itself stays here: handlers only need to know who the client is.
      const authInfo: AuthInfo = {
        token: "",
        clientId: client,
        scopes: [],
        extra: { requestId: exchange.context.requestId },
      };
      let response = await this.endpoint.fetch(request, parsedBody, authInfo);
      if (call.timedOut && response.status === 499) {
        response = timeoutResponse(this.config.requestTimeoutMs, parsedBody);
      }
      const session = response.headers.get("mcp-session-id");
      if (session) exchange.context.session = session;
      await this.stream(exchange, response, call, parsedBody);
    } finally {
      call.done();
    }
  }

  private async stream(exchange: Exchange, response: Response, call: CallLimits, parsedBody: unknown) {
    const { res } = exchange;
    if (res.destroyed) return void response.body?.cancel().catch(() => undefined);
    const headers: Record<string, string> = { ...Object.fromEntries(response.headers), ...cors(exchange) };
    if (this.draining) headers.connection = "close";
    res.writeHead(response.status, headers);
    // An event stream may stay silent for long: its client gets the headers soon, not with the first
    // event, unless that event comes first (as most answers do), when they travel together.
    const flush = isEventStream(response)
      ? setTimeout(() => res.flushHeaders(), HEADERS_WAIT_FOR_EVENT_MS)
      : undefined;
    const last = response.body ? await pipeBody(response.body, res, () => clearTimeout(flush)) : undefined;
    clearTimeout(flush);
    const id = singleRequestId(parsedBody);
    if (call.timedOut && isEventStream(response) && id !== undefined && !res.destroyed) {
      if (last) res.write(last);
      const error = jsonRpcError(ErrorCode.timeout, timeoutMessage(this.config.requestTimeoutMs), id);
      res.end(`event: message\ndata: ${JSON.stringify(error)}\n\n`);
      return;
    }
    res.end(last);
  }

  private async preflight(exchange: Exchange): Promise<void> {
    const { req, res } = exchange;
    if (!exchange.corsOrigin)
      return this.refuse(exchange, 405, "Method not allowed", { allow: CORS_ALLOW_METHODS });
    await drain(req);
    const requested = req.headers["access-control-request-headers"];
    res.writeHead(204, {
      ...cors(exchange),
      "access-control-allow-methods": CORS_ALLOW_METHODS,
      "access-control-allow-headers": typeof requested === "string" ? requested : "",
      "access-control-max-age": "600",
    });
    res.end();
  }

  private unauthorized(exchange: Exchange): Promise<void> {
    const presented = exchange.req.headers.authorization !== undefined;
    const challenge = presented
      ? 'Bearer realm="jenkins-mcp", error="invalid_token"'
      : 'Bearer realm="jenkins-mcp"';
    const message = presented
      ? "Unauthorized: the bearer token is not valid"
      : "Unauthorized: send Authorization: Bearer <token>";
    return this.refuse(exchange, 401, message, { "www-authenticate": challenge });
  }

  /** Answers with a JSON-RPC error after reading the upload, so the client sees the status, not a reset. */
  private async refuse(
    exchange: Exchange,
    status: number,
    message: string,
    headers: Record<string, string> = {},
  ) {
    return this.sendJson(exchange, status, jsonRpcError(ErrorCode.transport, message), headers);
  }

  private async sendJson(
    exchange: Exchange,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) {
    const { req, res } = exchange;
    const drained = await drain(req);
    if (res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(text)),
      ...cors(exchange),
      ...(drained ? {} : { connection: "close" }),
      ...headers,
    });
    res.end(text);
  }

  private accessLog(exchange: Exchange, started: number): void {
    const { req, res, context } = exchange;
    const path = pathOf(req.url);
    const probe = path === "/healthz" || path === "/readyz";
    // Behind a reverse proxy `remote` is the proxy; the client's address is what the proxy says.
    const forwarded = req.headers["x-forwarded-for"];
    const line = {
      ...context,
      method: req.method,
      path,
      status: res.statusCode,
      ms: Math.round(performance.now() - started),
      ...(exchange.rpc ? { rpc: exchange.rpc } : {}),
      ...(res.writableFinished ? {} : { aborted: true }),
      remote: req.socket.remoteAddress,
      ...(typeof forwarded === "string" ? { forwardedFor: forwarded.slice(0, 200) } : {}),
    };
    // Load balancers probe every few seconds: their lines would drown the rest.
    if (probe) this.logger.debug(line, "http request");
    else this.logger.info(line, "http request");
  }
}

function isListen(body: unknown): boolean {
  return (body as { method?: unknown } | undefined)?.method === "subscriptions/listen";
}

/** CORS for origins the operator allowed: without it, browsers could not use them anyway. */
function cors(exchange: Exchange): Record<string, string> {
  const origin = exchange.corsOrigin;
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": CORS_EXPOSE,
    vary: "Origin",
  };
}

/**
 * The per-request timeout and the client's disconnect, as one signal for the MCP side: either one
 * cancels the call, and with it the Jenkins requests it made.
 */
class CallLimits {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(res: ServerResponse, timeoutMs: number | undefined) {
    res.once("close", () => {
      if (!res.writableFinished) this.controller.abort(new Error("the client disconnected"));
    });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error(timeoutMessage(timeoutMs)));
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  done(): void {
    clearTimeout(this.timer);
  }
}

/**
 * Copies a web body to the response and returns its last chunk unwritten, for `res.end()`: an answer
 * whose stream ends right after its event then leaves in one write with its headers and the chunked
 * terminator (a write is a system call; they were a fifth of a call's CPU). A chunk is held back
 * only until the next read settles or the event loop turns, so an open stream is not delayed.
 */
async function pipeBody(
  body: ReadableStream<Uint8Array>,
  res: ServerResponse,
  onChunk: () => void,
): Promise<Uint8Array | undefined> {
  const reader = body.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  let held: Uint8Array | undefined;
  try {
    for (;;) {
      const next = reader.read();
      if (held && !(await settlesAtOnce(next))) {
        if (!res.write(held)) await writable(res);
        held = undefined;
      }
      const { done, value } = await next;
      if (done || res.destroyed) return held;
      onChunk();
      if (held && !res.write(held)) await writable(res);
      held = value;
    }
  } catch {
    // The stream failed, or was cancelled because the client left: what was read still goes out.
    return held;
  } finally {
    res.off("close", cancel);
  }
}

/** Whether `promise` settles before the event loop's next turn. */
function settlesAtOnce(promise: Promise<unknown>): Promise<boolean> {
  return new Promise((resolve) => {
    const turn = setImmediate(() => resolve(false));
    const settled = () => {
      clearImmediate(turn);
      resolve(true);
    };
    promise.then(settled, settled);
  });
}

function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}

function webRequest(req: IncomingMessage, body: string | undefined, signal: AbortSignal): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || STRIPPED_HEADERS.has(name)) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = req.method ?? "GET";
  return new Request(`http://localhost${pathOf(req.url)}`, {
    method,
    headers,
    signal,
    ...(body !== undefined && method === "POST" ? { body } : {}),
  });
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? "/", "http://localhost").pathname;
  } catch {
    return "/";
  }
}

function parseJson(body: string | undefined): unknown {
  if (body === undefined || body.trim() === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `tools/call getBuild`, `initialize`, or several joined by commas for a batch. */
function rpcSummary(body: unknown): string | undefined {
  const messages = (Array.isArray(body) ? body : [body]) as {
    method?: unknown;
    params?: { name?: unknown };
  }[];
  const names = messages.flatMap((message) => {
    if (typeof message?.method !== "string") return [];
    const tool = message.method === "tools/call" ? message.params?.name : undefined;
    return [typeof tool === "string" ? `${message.method} ${tool}` : message.method];
  });
  return names.length > 0 ? names.join(",") : undefined;
}

function singleRequestId(body: unknown): RequestId | undefined {
  const { id, method } = (body ?? {}) as { id?: unknown; method?: unknown };
  if (Array.isArray(body) || typeof method !== "string") return undefined;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

function isEventStream(response: Response): boolean {
  return response.headers.get("content-type")?.startsWith("text/event-stream") ?? false;
}

function timeoutMessage(timeoutMs: number): string {
  return `Request timed out after ${timeoutMs} ms and was cancelled (MCP_REQUEST_TIMEOUT_MS)`;
}

function timeoutResponse(timeoutMs: number, body: unknown): Response {
  return Response.json(
    jsonRpcError(ErrorCode.timeout, timeoutMessage(timeoutMs), singleRequestId(body) ?? null),
    {
      status: 504,
    },
  );
}

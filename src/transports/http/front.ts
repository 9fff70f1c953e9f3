import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { AuthInfo } from "@modelcontextprotocol/server";
import { ConfigError, type HttpConfig, isLoopbackHost } from "../../config.js";
import { type Identity, namedClient } from "../../guard/identity.js";
import type { Logger } from "../../logger.js";
import { buildServerFor, refusedToolChoice, type ServerDependencies } from "../../server.js";
import type { Telemetry } from "../../telemetry.js";
import { methodNotAllowed, preflight, refuse, sendJson, unauthorized } from "./answers.js";
import { bearerToken, TokenAuthenticator } from "./auth.js";
import { readBody } from "./body.js";
import { isEventStream, pathOf, relayResponse, toWebRequest } from "./bridge.js";
import { CallLimits, timeoutError } from "./call-limits.js";
import { currentRequestId, currentToolChoice, requestScopedLogger, runInContext } from "./context.js";
import { McpEndpoint } from "./endpoint.js";
import { cors, type Exchange, logAccess, openExchange } from "./exchange.js";
import { RequestGuards } from "./guards.js";
import { InflightRequests } from "./inflight.js";
import { isListenRequest, parseJson, rpcSummary, singleRequestId } from "./jsonrpc.js";
import type { PrometheusMetrics } from "./metrics.js";
import type { OAuthGate } from "./oauth/gate.js";
import { ReadinessReport } from "./readiness.js";
import { toolChoiceFromHeaders } from "./tool-choice.js";

export const MCP_PATH = "/mcp";

/**
 * The HTTP listener: health probes, and `/mcp` behind the Host/Origin guards and bearer tokens
 * (static ones, or OAuth access tokens with their protected resource metadata), handed to the MCP
 * endpoint within the request limits; shuts down gracefully.
 */
export class HttpFront {
  private readonly server: Server;
  private readonly logger: Logger;
  private readonly guards: RequestGuards;
  private readonly auth: TokenAuthenticator;
  private readonly endpoint: McpEndpoint;
  private readonly readiness: ReadinessReport;
  private readonly serverDeps: ServerDependencies;
  private readonly inflight = new InflightRequests();
  /** Set as the port is bound (its default resource URI is the listener's URL), before any request. */
  private oauth: OAuthGate | undefined;
  private readonly telemetry: Telemetry | undefined;
  private metrics: PrometheusMetrics | undefined;
  /** Set on shutdown: `/readyz` answers 503 from then on. */
  private draining: Promise<void> | undefined;
  /** Set once the shutdown delay is over: new requests are refused from then on. */
  private closing = false;

  constructor(
    private readonly config: HttpConfig,
    deps: ServerDependencies,
  ) {
    this.logger = requestScopedLogger(deps.logger);
    this.guards = new RequestGuards(config);
    this.auth = new TokenAuthenticator(config.tokens);
    // Audit lines carry the id of the HTTP request that caused them, whoever started this server.
    const serverDeps = { ...deps, logger: this.logger, requestId: deps.requestId ?? currentRequestId };
    this.serverDeps = serverDeps;
    // A session's server is built while its initialize request is served: its headers decide.
    this.endpoint = new McpEndpoint(
      config,
      () => buildServerFor(serverDeps, currentToolChoice()),
      this.logger,
    );
    this.readiness = new ReadinessReport(deps.jenkins, deps.controllers?.shared);
    this.telemetry = deps.telemetry;
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  /** Binds the port; resolves with the MCP endpoint's URL. */
  async listen(): Promise<string> {
    const { host, port, oauth } = this.config;
    // Loaded only when configured: jose and the token checks stay out of every other start.
    const gate = oauth ? (await import("./oauth/gate.js")).OAuthGate : undefined;
    if (this.telemetry) {
      const { PrometheusMetrics } = await import("./metrics.js");
      this.metrics = new PrometheusMetrics(this.telemetry, () => this.endpoint.sessionCount);
    }
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
        // In the listening callback itself: no request is served before the gate is there.
        if (gate && oauth) this.oauth = new gate(oauth, this.boundUrl(), this.logger);
        resolve();
      });
    });
    const url = this.boundUrl();
    this.warnAboutExposure();
    this.logger.info(
      {
        url,
        stateless: this.config.stateless,
        clients: this.config.tokens.length,
        ...(this.oauth ? { resource: this.oauth.resource, issuers: oauth?.issuers } : {}),
      },
      "jenkins-mcp serving over HTTP",
    );
    return url;
  }

  private boundUrl(): string {
    const bound = this.server.address() as AddressInfo;
    const address = bound.address.includes(":") ? `[${bound.address}]` : bound.address;
    return `http://${address}:${bound.port}${MCP_PATH}`;
  }

  shutdown(): Promise<void> {
    this.draining ??= this.drain();
    return this.draining;
  }

  private warnAboutExposure(): void {
    if (isLoopbackHost(this.config.host)) return;
    if (!this.auth.required && !this.config.oauth) {
      this.logger.warn(
        { host: this.config.host },
        "serving WITHOUT authentication on a non-loopback address: anyone who reaches this port acts as the Jenkins user",
      );
    }
    if (!this.guards.checksHost) {
      this.logger.info("Host header not checked: set MCP_ALLOWED_HOSTS to the names clients use");
    }
  }

  /**
   * Not ready first, while still serving, so that a load balancer probing `/readyz` stops sending
   * new work before the port closes; then no new requests, the running ones finished, and exit.
   */
  private async drain(): Promise<void> {
    const { shutdownDelayMs } = this.config;
    if (shutdownDelayMs > 0) {
      this.logger.info({ delayMs: shutdownDelayMs }, "not ready: still serving while load balancers notice");
      await new Promise((resolve) => setTimeout(resolve, shutdownDelayMs));
    }
    this.closing = true;
    this.server.close();
    this.server.closeIdleConnections();
    this.endpoint.closeStreams();
    this.inflight.endStreams(new Error("the server is shutting down"));
    await this.inflight.finished(this.config.shutdownGraceMs);
    if (this.inflight.size > 0) {
      this.logger.warn({ requests: this.inflight.size }, "grace period over: cancelling unfinished requests");
    }
    await this.endpoint.close();
    this.server.closeAllConnections();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const exchange = openExchange(req, res);
    res.once("close", () => logAccess(this.logger, exchange, started));
    try {
      await runInContext(exchange.context, () => this.route(exchange));
    } catch (error) {
      this.logger.error({ err: error, requestId: exchange.context.requestId }, "request failed");
      if (!res.headersSent) await refuse(exchange, 500, "Internal server error");
      else res.destroy();
    }
  }

  private async route(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    const path = pathOf(req.url);
    if (this.closing) {
      exchange.res.setHeader("connection", "close");
      return refuse(exchange, 503, "The server is shutting down", { "retry-after": "1" });
    }
    const probe = req.method === "GET" || req.method === "HEAD";
    if (path === "/healthz" && probe) return sendJson(exchange, 200, { status: "ok" });
    if (path === "/readyz" && probe) return this.ready(exchange);
    if (this.oauth?.servesMetadata(path)) return this.oauth.metadata(exchange);
    if (path === "/metrics" && probe && this.metrics) return this.scrape(exchange, this.metrics);
    if (path !== MCP_PATH) return refuse(exchange, 404, `Not found: the MCP endpoint is ${MCP_PATH}`);
    return this.mcp(exchange);
  }

  private async ready(exchange: Exchange): Promise<void> {
    if (this.draining) return sendJson(exchange, 503, { status: "shutting down" });
    const { status, body } = await this.readiness.answer();
    return sendJson(exchange, status, body);
  }

  /** Like the probes, served without a token: it holds counts only, never a name (see metrics.ts). */
  private async scrape(exchange: Exchange, metrics: PrometheusMetrics): Promise<void> {
    const { res } = exchange;
    const text = await metrics.text();
    res.writeHead(200, { "content-type": metrics.contentType, "cache-control": "no-store" });
    res.end(text);
  }

  private async mcp(exchange: Exchange): Promise<void> {
    const { req } = exchange;
    const guard = this.check(req);
    if (guard) return refuse(exchange, 403, guard);
    if (req.headers.origin) exchange.corsOrigin = req.headers.origin;
    if (req.method === "OPTIONS") return preflight(exchange);
    const client = await this.authenticate(exchange);
    if (client === undefined) return;
    exchange.context.client = client.name;
    const session = req.headers["mcp-session-id"];
    if (typeof session === "string") exchange.context.session = session;
    if (req.method !== "POST" && req.method !== "GET" && req.method !== "DELETE") {
      return methodNotAllowed(exchange);
    }
    const choice = toolChoiceFromHeaders(req.headers);
    if (choice) {
      const refused = refusedToolChoice(this.serverDeps, choice);
      if (refused) return refuse(exchange, 400, refused);
      exchange.context.toolChoice = choice;
    }
    if (req.method !== "GET") this.inflight.track(exchange.res);
    return this.forward(exchange, client);
  }

  /**
   * Who sends the request, or undefined once it is answered with a refusal. With OAuth on, a static
   * token (if any are configured) is tried first; any other bearer token must be an access token.
   */
  private async authenticate(exchange: Exchange): Promise<Identity | undefined> {
    const header = exchange.req.headers.authorization;
    if (!this.config.oauth) {
      const client = this.auth.authenticate(header);
      if (client === undefined) await unauthorized(exchange);
      return client === undefined ? undefined : namedClient(client);
    }
    const token = bearerToken(header);
    const client = token !== undefined && this.auth.required ? this.auth.match(token) : undefined;
    if (client !== undefined) return namedClient(client);
    if (!this.oauth) throw new Error("OAuth is configured but the listener has no gate");
    // A malformed Authorization header is an invalid token, not a missing one.
    return this.oauth.authenticate(exchange, header === undefined ? undefined : (token ?? ""));
  }

  private check(req: IncomingMessage): string | undefined {
    const host = this.guards.host(req.headers.host);
    if (!host.ok) return host.message;
    const origin = this.guards.origin(req.headers.origin);
    return origin.ok ? undefined : origin.message;
  }

  /** Reads the body of a POST, then hands the request on. */
  private async forward(exchange: Exchange, client: Identity): Promise<void> {
    const { req } = exchange;
    if (req.method !== "POST") return this.dispatch(exchange, client, undefined);
    const read = await readBody(req, this.config.maxBodyBytes);
    if (read.kind === "aborted") return;
    if (read.kind === "tooLarge") {
      return refuse(exchange, 413, `Request body larger than ${this.config.maxBodyBytes} bytes`);
    }
    return this.dispatch(exchange, client, read.text);
  }

  /** Hands the request to the MCP endpoint within its limits, and streams its answer back. */
  private async dispatch(exchange: Exchange, client: Identity, body: string | undefined): Promise<void> {
    const { req, res } = exchange;
    const parsedBody = parseJson(body);
    exchange.rpc = rpcSummary(parsedBody);
    const long = req.method === "GET" || isListenRequest(parsedBody);
    const call = new CallLimits(res, long ? undefined : this.config.requestTimeoutMs);
    if (long) this.inflight.holdStream(res, call);
    try {
      const request = toWebRequest(req, body, call.signal);
      const authInfo = clientAuthInfo(client, exchange.context.requestId, this.oauth?.metadataUrl);
      let response = await this.endpoint.fetch(request, parsedBody, authInfo);
      if (call.timedOut && response.status === 499) {
        const error = timeoutError(this.config.requestTimeoutMs, singleRequestId(parsedBody) ?? null);
        response = Response.json(error, { status: 504 });
      }
      const session = response.headers.get("mcp-session-id");
      if (session) exchange.context.session = session;
      await this.stream(exchange, response, call, parsedBody);
    } finally {
      call.done();
    }
  }

  /** Relays the answer; an event stream cut short by the timeout ends with the timeout error. */
  private async stream(
    exchange: Exchange,
    response: Response,
    call: CallLimits,
    parsedBody: unknown,
  ): Promise<void> {
    const { res } = exchange;
    if (res.destroyed) return void response.body?.cancel().catch(() => undefined);
    const last = await relayResponse(res, response, {
      ...cors(exchange),
      ...(this.draining ? { connection: "close" } : {}),
    });
    const id = singleRequestId(parsedBody);
    if (call.timedOut && isEventStream(response) && id !== undefined && !res.destroyed) {
      if (last) res.write(last);
      const error = timeoutError(this.config.requestTimeoutMs, id);
      res.end(`event: message\ndata: ${JSON.stringify(error)}\n\n`);
      return;
    }
    res.end(last);
  }
}

/**
 * The token itself stays here (it never reaches Jenkins): handlers only need to know who the client
 * is (`extra.identity`, see identityFromAuth) and what its token grants, for the SDK's scope challenges.
 */
function clientAuthInfo(client: Identity, requestId: string, resourceMetadataUrl?: string): AuthInfo {
  const scopes = client.scopes;
  return {
    token: "",
    clientId: client.name,
    scopes: scopes ? [...scopes.granted].map((action) => scopes.scopeOf(action)) : [],
    ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}),
    extra: { requestId, identity: client },
  };
}

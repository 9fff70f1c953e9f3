import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { authenticate, CRUMB_FIELD, CrumbIssuer } from "./auth.js";
import { Beans } from "./beans.js";
import {
  jettyError,
  notJenkinsPage,
  Pages,
  proxyPage,
  redirect,
  type SimResponse,
  ssoLoginPage,
} from "./pages.js";
import type { AppEnv, LogStats, RequestContext } from "./routes/context.js";
import { route } from "./routes/index.js";
import { seedWorld } from "./seed.js";
import { World } from "./world.js";

export { SIMULATOR_USERS } from "./auth.js";
export { BIG_LOG_LINE_WIDTH, bigLogLine } from "./logs.js";
export {
  API_FAILED_TESTS,
  BIG_LOG_LINES,
  NIGHTLY_LOG_LINES,
  SEED_JOBS,
  SUREFIRE_SUMMARY_LINES,
} from "./seed.js";

export interface SimulatorOptions {
  /** 0 (default) picks a free port; the server listens on 127.0.0.1 only. */
  port?: number;
  /** Path prefix of Jenkins behind a proxy, e.g. "/jenkins" (default ""). */
  prefix?: string;
  /** X-Jenkins version (default 2.541.1): < 2.534 has no streaming log mode, < 2.509 spools progressiveText. */
  version?: string;
  /** Default quiet period of jobs (default 200 ms). */
  quietPeriodMs?: number;
  /** Default build duration (default 300 ms). */
  buildDurationMs?: number;
  /** Default number of step lines a build logs (default 20). */
  logLinesPerBuild?: number;
  /** Executors of the built-in node, used by freestyle builds; pipelines run on flyweight executors. */
  executors?: number;
  /** How long left queue items stay readable (default 5 minutes). */
  leftItemTtlMs?: number;
  /** "manual": time only moves with `world.advance(ms)` (default "real"). */
  clock?: "real" | "manual";
  /** Jenkins' SHOW_STACK_TRACE: Oops pages include the exception (default false, as in Jenkins). */
  showStackTrace?: boolean;
  /** Create the default world (default true). */
  seed?: boolean;
  /** The Pipeline Graph View plugin is installed (default true): pipeline runs answer at `stages/`. */
  pipelineGraphView?: boolean;
  /** The Pipeline: Declarative plugin is installed (default true): its linter answers. */
  declarativeLinter?: boolean;
}

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string, prefix included. */
  readonly path: string;
  readonly query: URLSearchParams;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly startedAt: number;
  /** 0 until the response head is written (stays 0 for reset or hung requests). */
  status: number;
  /** Body bytes actually written to the socket, streamed and aborted responses included. */
  responseBytes: number;
  /** The whole response was written. */
  finished: boolean;
}

export type FaultKind =
  | "html500"
  | "html502"
  | "html503"
  /** A rate limiter in Jenkins or its proxy sheds load (429 Too Many Requests); see `retryAfter`. */
  | "html429"
  /** A proxy in front of Jenkins gave up waiting (nginx's proxy_read_timeout): Jenkins may go on. */
  | "html504"
  | "delay"
  | "reset"
  | "sso-redirect"
  | "hang"
  | "no-x-jenkins";

export interface Fault {
  /** `path` is compared with the request path, with or without the prefix (e.g. "/job/hello/build"). */
  match: { method?: string; path?: string | RegExp };
  kind: FaultKind;
  delayMs?: number;
  /** How many matching requests get the fault (default: all). */
  times?: number;
  /** Process the request first (e.g. really queue the build), then misbehave. */
  afterHandling?: boolean;
  /** The Retry-After header of an html429 or html503 answer: seconds ("5") or an HTTP date. */
  retryAfter?: string;
}

const TICK_MS = 10;
const MAX_BODY = 32 * 1024 * 1024;

/** A Jenkins look-alike over node:http, for tests and the demo. */
export class JenkinsSimulator {
  readonly requests: RecordedRequest[] = [];
  readonly world: World;
  readonly stats: LogStats = { logBytesRead: 0, logBytesSpooled: 0 };
  readonly version: string;
  readonly prefix: string;
  private readonly env: AppEnv;
  private readonly crumbs = new CrumbIssuer();
  private faults: Fault[] = [];
  private readonly pendingSleeps = new Set<() => void>();
  private ticker: NodeJS.Timeout | undefined;

  private constructor(
    private readonly server: Server,
    private readonly origin: string,
    options: SimulatorOptions,
  ) {
    this.version = options.version ?? "2.541.1";
    this.prefix = (options.prefix ?? "").replace(/\/+$/, "");
    this.world = new World({
      defaults: {
        quietPeriodMs: options.quietPeriodMs ?? 200,
        durationMs: options.buildDurationMs ?? 300,
        logLines: options.logLinesPerBuild ?? 20,
        logStartDelayMs: 0,
      },
      executors: options.executors ?? 2,
      leftItemTtlMs: options.leftItemTtlMs ?? 300_000,
      manualClock: options.clock === "manual",
    });
    if (options.seed ?? true) seedWorld(this.world);
    const pages = new Pages(this.version, `${this.prefix}/`, options.showStackTrace ?? false);
    this.env = {
      world: this.world,
      pages,
      beans: new Beans(this.world, this.url),
      crumbs: this.crumbs,
      version: this.version,
      stats: this.stats,
      pipelineGraphView: options.pipelineGraphView ?? true,
      declarativeLinter: options.declarativeLinter ?? true,
    };
  }

  static async start(options: SimulatorOptions = {}): Promise<JenkinsSimulator> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const simulator = new JenkinsSimulator(server, `http://127.0.0.1:${port}`, options);
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      simulator.handle(req, res).catch(() => res.destroy());
    });
    if (options.clock !== "manual") {
      simulator.ticker = setInterval(() => simulator.world.tick(), TICK_MS);
      simulator.ticker.unref();
    }
    return simulator;
  }

  /** Base URL of Jenkins, prefix included, with a trailing slash. */
  get url(): string {
    return `${this.origin}${this.prefix}/`;
  }

  async close(): Promise<void> {
    clearInterval(this.ticker);
    for (const wake of this.pendingSleeps) wake();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  injectFault(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Invalidates every web session, so every crumb (as after a Jenkins restart). */
  expireCrumbs(): void {
    this.crumbs.expireAll();
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const below = this.prefix && path.startsWith(this.prefix) ? path.slice(this.prefix.length) : path;
    const fault = this.faults.find(({ match }) => {
      if (match.method && match.method.toUpperCase() !== method) return false;
      if (match.path === undefined) return true;
      if (typeof match.path === "string") return match.path === path || match.path === below;
      return match.path.test(path) || match.path.test(below);
    });
    if (fault?.times !== undefined) {
      fault.times -= 1;
      if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
    }
    return fault;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.pendingSleeps.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.pendingSleeps.add(wake);
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.origin);
    const method = (req.method ?? "GET").toUpperCase();
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      requestHeaders: Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(", ") : (value ?? ""),
        ]),
      ),
      startedAt: Date.now(),
      status: 0,
      responseBytes: 0,
      finished: false,
    };
    this.requests.push(record);
    const body = await readBody(req);
    const fault = this.takeFault(method, url.pathname);
    if (fault && !fault.afterHandling) {
      if (fault.kind === "delay") await this.sleep(fault.delayMs ?? 1000);
      else return this.misbehave(fault.kind, req, res, record, url, fault.retryAfter);
    }
    if (!this.world.options.manualClock) this.world.tick();
    const response = this.respond(req, url, method, body);
    if (fault?.afterHandling) {
      if (fault.kind === "delay") await this.sleep(fault.delayMs ?? 1000);
      else return this.misbehave(fault.kind, req, res, record, url, fault.retryAfter);
    }
    await send(res, response, record, method === "HEAD");
  }

  /** Answers as a broken Jenkins or what stands in front of it; every kind but a delay is here. */
  private misbehave(
    kind: Exclude<FaultKind, "delay">,
    req: IncomingMessage,
    res: ServerResponse,
    record: RecordedRequest,
    url: URL,
    retryAfterHeader: string | undefined,
  ): Promise<void> {
    const retryAfter: Record<string, string> =
      retryAfterHeader === undefined ? {} : { "Retry-After": retryAfterHeader };
    switch (kind) {
      case "reset":
        req.socket.destroy();
        return Promise.resolve();
      case "hang":
        return Promise.resolve();
      case "html500":
        return send(
          res,
          this.env.pages.oops(500, "java.lang.RuntimeException: injected fault"),
          record,
          false,
        );
      case "html502":
        return send(res, proxyPage(502, "Bad Gateway"), record, false);
      case "html503":
        return send(res, proxyPage(503, "Service Temporarily Unavailable", retryAfter), record, false);
      case "html429":
        return send(res, proxyPage(429, "Too Many Requests", retryAfter), record, false);
      case "html504":
        return send(res, proxyPage(504, "Gateway Time-out"), record, false);
      case "sso-redirect": {
        const target = `${this.origin}/sso/login?redirect=${encodeURIComponent(url.href)}`;
        return send(res, redirect(302, target), record, false);
      }
      case "no-x-jenkins":
        return send(res, notJenkinsPage(), record, false);
      default:
        // A new fault kind fails to compile here rather than answering as another kind.
        return unreachable(kind);
    }
  }

  private respond(req: IncomingMessage, url: URL, method: string, body: Buffer): SimResponse {
    const path = url.pathname;
    if (path === "/sso/login") return ssoLoginPage();
    if (this.prefix && path === this.prefix) return redirect(302, `${this.origin}${this.prefix}/`);
    if (!path.startsWith(`${this.prefix}/`)) return proxyPage(404, "Not Found");
    const segments = decodeSegments(path.slice(this.prefix.length + 1));
    if (typeof segments === "string") return jettyError(400, segments, path);
    const auth = authenticate(req.headers.authorization);
    if (!auth) {
      const refused = jettyError(401, "Unauthorized", path);
      return { ...refused, headers: { ...refused.headers, "WWW-Authenticate": 'Basic realm="Jenkins"' } };
    }
    const params = new URLSearchParams(url.search);
    if ((req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded")) {
      for (const [name, value] of new URLSearchParams(body.toString("utf8"))) params.append(name, value);
    }
    if (method === "POST" && auth.via !== "token") {
      const header = req.headers[CRUMB_FIELD.toLowerCase()];
      const crumb = typeof header === "string" ? header : (params.get(CRUMB_FIELD) ?? undefined);
      if (!this.crumbs.validate(auth, req.headers.cookie, crumb)) {
        return jettyError(403, "No valid crumb was included in the request", path);
      }
    }
    const ctx: RequestContext = {
      method,
      uri: path,
      headers: req.headers,
      params,
      body,
      auth,
      requestRoot: `http://${req.headers.host ?? this.origin.slice(7)}${this.prefix}/`,
    };
    return route(this.env, ctx, segments);
  }
}

/** Decoded path segments, or the reason Jetty refuses the URI. */
function decodeSegments(path: string): string[] | string {
  const segments: string[] = [];
  for (const raw of path.split("/")) {
    if (raw === "") continue;
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return "Bad Request";
    }
    if (segment.includes("/")) return "Ambiguous URI path separator";
    if (segment === "." || segment === "..") return "Ambiguous URI path segment";
    segments.push(segment);
  }
  return segments;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", () => resolve(Buffer.concat(chunks)));
  });
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

/** Writes a response, counting body bytes as they reach the socket; lazy bodies respect backpressure. */
async function send(
  res: ServerResponse,
  response: SimResponse,
  record: RecordedRequest,
  head: boolean,
): Promise<void> {
  if (res.destroyed) return;
  const { body } = response;
  const headers: Record<string, string | string[] | number> = {};
  for (const [name, value] of Object.entries(response.headers))
    headers[name] = typeof value === "string" ? value : [...value];
  const whole = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  if ((whole === null || Buffer.isBuffer(whole)) && response.status !== 204 && response.status !== 304) {
    headers["Content-Length"] = whole?.length ?? 0;
  }
  res.writeHead(response.status, headers);
  record.status = response.status;
  const count = (chunk: Buffer) => (error?: Error | null) => {
    if (!error) record.responseBytes += chunk.length;
  };
  if (!head && whole !== null) {
    const chunks: Iterable<Buffer> = Buffer.isBuffer(whole) ? [whole] : whole;
    for (const chunk of chunks) {
      if (res.destroyed) break;
      if (chunk.length === 0) continue;
      if (!res.write(chunk, count(chunk))) await drained(res);
    }
  }
  if (res.destroyed) return;
  await new Promise<void>((resolve) => {
    res.once("close", resolve);
    res.end(resolve);
  });
  record.finished = res.writableFinished;
}

function unreachable(kind: never): never {
  throw new Error(`unknown fault kind ${String(kind)}`);
}

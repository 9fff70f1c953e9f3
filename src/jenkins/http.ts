import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import type { Dispatcher } from "undici";
import type { JenkinsAuth, JenkinsConfig } from "../config.js";
import type { Release } from "./budget.js";
import { errorFromNetwork, errorFromResponse, JenkinsError, type RequestContext } from "./errors.js";
import type { ReadSharing, SharedAnswer } from "./sharing.js";
import { ControllerTraffic, endpointKind, type Method } from "./traffic.js";

export type Query = Record<string, string | number | boolean | undefined>;

export interface JenkinsRequest extends RequestContext {
  method?: Method;
  /** Path relative to the Jenkins base URL, without a leading slash: `job/x/api/json`. */
  path: string;
  query?: Query | URLSearchParams;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
  /** Status codes other than 2xx that are a success for this request (e.g. 302 after a copy). */
  accept?: readonly number[];
  /** Require the `X-Jenkins` header (present on Jenkins' own pages and API answers, not on raw text). */
  requireJenkinsHeader?: boolean;
  /**
   * Whether this read's JSON answer may serve identical reads for a few seconds (JENKINS_READ_REUSE_MS):
   * true for answers that change rarely and harmlessly (a job, a folder listing), a test of the answer
   * for those that stop changing (a finished build). Never for what must be fresh (a running build).
   */
  reusable?: boolean | ((answer: unknown) => boolean);
}

export interface JenkinsResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData["body"];
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(["ECONNRESET", "UND_ERR_SOCKET", "EPIPE", "ECONNABORTED", "UND_ERR_CLOSED"]);
const MAX_ATTEMPTS = 3;
/** A read asked to come back later (429/503 with Retry-After) waits at most this long, then fails. */
const MAX_RETRY_AFTER_WAIT_MS = 10_000;
const ERROR_BODY_LIMIT = 64 * 1024;
const SSO_HINT = /login|sso|saml|oauth|openid|auth|signin|cas\b/i;

interface Crumb {
  field: string;
  value: string;
  cookie: string;
}

/**
 * HTTP to one Jenkins as one identity: a keep-alive pool, Basic auth, CSRF crumbs for password
 * logins, bounded retries for reads only (after Retry-After when Jenkins asks), identical reads
 * shared, every request within the controller's budget, and every failure turned into a
 * JenkinsError. Knows nothing of MCP.
 */
export class JenkinsHttp {
  readonly baseUrl: URL;
  /** Made on the first request: loading undici takes tens of ms that a starting server need not wait. */
  private client:
    | Promise<{ dispatcher: Dispatcher; request: typeof import("./undici.js").request }>
    | undefined;
  private readonly authorization: string | undefined;
  private crumb: Promise<Crumb | undefined> | undefined;
  private readonly sharing: ReadSharing | undefined;

  constructor(
    private readonly config: JenkinsConfig,
    private readonly traffic: ControllerTraffic = new ControllerTraffic(),
  ) {
    this.baseUrl = new URL(config.url);
    this.authorization = basicAuthorization(config.auth);
    this.sharing = traffic.sharingForIdentity();
  }

  get timeoutMs(): number {
    return this.config.timeoutMs;
  }

  get auth(): JenkinsAuth {
    return this.config.auth;
  }

  async close(): Promise<void> {
    const client = await this.client;
    this.client = undefined;
    await client?.dispatcher.close();
  }

  url(path: string, query?: Query | URLSearchParams): URL {
    const url = new URL(path, this.baseUrl);
    if (query) url.search = toSearchParams(query).toString();
    return url;
  }

  /** Sends a request; the caller consumes or dumps the body. Non-accepted statuses throw. */
  async send(req: JenkinsRequest): Promise<JenkinsResponse> {
    const method = req.method ?? "GET";
    if (method !== "POST") return this.withRetries(req);
    try {
      return await this.post(req);
    } finally {
      this.traffic.wrote();
    }
  }

  /** Sent once: a POST is never retried (it may have started a build), but for a refused crumb. */
  private async post(req: JenkinsRequest): Promise<JenkinsResponse> {
    const crumb = await this.crumbFor(req);
    try {
      return await this.exchange(req, 1, crumb);
    } catch (error) {
      // Jenkins refused before acting, so sending again with a fresh crumb cannot start a second build.
      if (!(error instanceof JenkinsError && error.kind === "crumb") || !crumb) throw error;
      this.crumb = undefined;
      return this.exchange(req, 1, await this.crumbFor(req));
    }
  }

  async json<T>(req: JenkinsRequest): Promise<T> {
    const text = await this.wholeText({ requireJenkinsHeader: true, ...req });
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new JenkinsError(
        "notJenkins",
        `The answer to ${req.action} was not JSON: check that JENKINS_URL (${this.baseUrl.href}) points at Jenkins itself.`,
      );
    }
  }

  /**
   * The body of a GET read whole, shared with identical reads (same URL and query, headers and
   * purpose, of this identity) under way or kept fresh. Streams (logs, artifacts) never come here.
   */
  private wholeText(req: JenkinsRequest): Promise<string> {
    const read = async (signal: AbortSignal | undefined): Promise<SharedAnswer> => {
      const text = await (await this.send({ ...req, signal })).body.text();
      return { text, reusable: isReusable(req.reusable, text) };
    };
    if (!this.sharing || (req.method ?? "GET") !== "GET") return read(req.signal).then(({ text }) => text);
    return this.sharing.read(shareKey(this.url(req.path, req.query), req), req.signal, req.action, read);
  }

  private async withRetries(req: JenkinsRequest): Promise<JenkinsResponse> {
    for (let attempt = 1; ; attempt++) {
      let wait: number;
      try {
        return await this.exchange(req, attempt, undefined);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isRetryable(error) || req.signal?.aborted) throw error;
        // Asked to come back later: wait as asked when it is short, else say how long to wait.
        const asked = (error as JenkinsError).retryAfterMs;
        if (asked !== undefined && asked > Math.min(MAX_RETRY_AFTER_WAIT_MS, this.config.timeoutMs))
          throw error;
        // Else exponential backoff with full jitter: 0-200 ms, then 0-400 ms.
        wait = asked ?? Math.random() * 200 * 2 ** (attempt - 1);
      }
      await sleep(wait, undefined, { signal: req.signal ?? undefined }).catch(() => undefined);
    }
  }

  private async exchange(
    req: JenkinsRequest,
    attempt: number,
    crumb: Crumb | undefined,
  ): Promise<JenkinsResponse> {
    const method = req.method ?? "GET";
    const url = this.url(req.path, req.query);
    const kind = endpointKind(method, req.path);
    const release = await this.traffic.budget?.take(req.action, req.signal);
    const started = performance.now();
    let response: Dispatcher.ResponseData;
    try {
      this.client ??= createClient(this.config);
      const { dispatcher, request } = await this.client;
      response = await request(url, {
        dispatcher,
        method,
        headers: this.headers(req, crumb),
        body: req.body,
        signal: req.signal ?? undefined,
        headersTimeout: this.config.timeoutMs,
        bodyTimeout: this.config.timeoutMs,
      });
    } catch (error) {
      release?.();
      this.traffic.observer.onExchange?.({
        method,
        path: url.pathname,
        kind,
        ms: performance.now() - started,
        attempt,
      });
      // The caller gave up (the MCP request was cancelled): not a network fault to report or retry.
      if (req.signal?.aborted)
        throw new JenkinsError("cancelled", `The request was cancelled while ${req.action}.`);
      throw markRetryable(errorFromNetwork(error, url, req, this.config.timeoutMs), isResetError(error));
    }
    if (release) holdUntilRead(response.body, release);
    this.traffic.observer.onExchange?.({
      method,
      path: url.pathname,
      kind,
      status: response.statusCode,
      ms: performance.now() - started,
      attempt,
    });
    await this.checkResponse(req, url, response);
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  private headers(req: JenkinsRequest, crumb: Crumb | undefined): Record<string, string> {
    const headers: Record<string, string> = { ...req.headers };
    if (this.authorization) headers.authorization = this.authorization;
    if (crumb) {
      headers[crumb.field] = crumb.value;
      if (crumb.cookie) headers.cookie = crumb.cookie;
    }
    return headers;
  }

  private async checkResponse(
    req: JenkinsRequest,
    url: URL,
    response: Dispatcher.ResponseData,
  ): Promise<void> {
    const status = response.statusCode;
    if ((status >= 200 && status < 300) || req.accept?.includes(status)) {
      if (req.requireJenkinsHeader && response.headers["x-jenkins"] === undefined) {
        await response.body.dump();
        throw this.notJenkins();
      }
      return;
    }
    if (status >= 300 && status < 400) {
      await response.body.dump();
      throw this.redirectError(req, url, response.headers.location);
    }
    const bodyText = req.method === "HEAD" ? "" : await readLimited(response.body, ERROR_BODY_LIMIT);
    const error = errorFromResponse({ status, headers: response.headers, bodyText }, req);
    throw markRetryable(error, RETRY_STATUSES.has(status));
  }

  private notJenkins(): JenkinsError {
    return new JenkinsError(
      "notJenkins",
      `${this.baseUrl.href} does not look like Jenkins (no X-Jenkins header): check JENKINS_URL, including any path prefix such as /jenkins/.`,
    );
  }

  private redirectError(
    req: JenkinsRequest,
    url: URL,
    location: string | string[] | undefined,
  ): JenkinsError {
    const target = new URL(String(Array.isArray(location) ? location[0] : (location ?? "")), url);
    if (target.origin !== this.baseUrl.origin || SSO_HINT.test(target.pathname + target.search)) {
      return new JenkinsError(
        "ssoRedirect",
        `Jenkins redirected ${req.action} to a login page (${target.origin}${target.pathname}): a single sign-on proxy is in front of it. Set JENKINS_URL to the direct Jenkins address and use an API token.`,
      );
    }
    return new JenkinsError(
      "redirect",
      `Jenkins redirected ${req.action} to ${target.href}: check JENKINS_URL (scheme, host and path prefix).`,
    );
  }

  /** The crumb and its session cookie for a password login's POST; undefined when none is needed. */
  private crumbFor(req: JenkinsRequest): Promise<Crumb | undefined> {
    if (this.config.auth.kind !== "password") return Promise.resolve(undefined);
    this.crumb ??= this.fetchCrumb(req).catch((error) => {
      this.crumb = undefined;
      throw error;
    });
    return this.crumb;
  }

  private async fetchCrumb(req: JenkinsRequest): Promise<Crumb | undefined> {
    let response: JenkinsResponse;
    try {
      response = await this.withRetries({
        path: "crumbIssuer/api/json",
        action: `getting a CSRF crumb for ${req.action}`,
        signal: req.signal,
      });
    } catch (error) {
      // No crumb issuer: CSRF protection is off, POSTs need no crumb.
      if (error instanceof JenkinsError && error.kind === "notFound") return undefined;
      throw error;
    }
    const body = (await response.body.json()) as { crumb?: string; crumbRequestField?: string };
    if (!body.crumb || !body.crumbRequestField) return undefined;
    return {
      field: body.crumbRequestField,
      value: body.crumb,
      cookie: sessionCookie(response.headers["set-cookie"]),
    };
  }
}

/** Errors after which a read may be sent again: connection resets and 429/502/503/504. */
const retryableErrors = new WeakSet<JenkinsError>();

function markRetryable(error: JenkinsError, retryable: boolean): JenkinsError {
  if (retryable) retryableErrors.add(error);
  return error;
}

function isRetryable(error: unknown): boolean {
  return error instanceof JenkinsError && retryableErrors.has(error);
}

function isResetError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (RETRY_CODES.has((current as NodeJS.ErrnoException).code ?? "")) return true;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return false;
}

/**
 * The budget's slot is held while the body is read (Jenkins works until it is sent). Every caller
 * reads, dumps or destroys the body; `end` comes before a read's promise resolves, so the caller's
 * next request finds the slot free; `close` covers the rest.
 */
function holdUntilRead(body: Dispatcher.ResponseData["body"], release: Release): void {
  body.once("end", release);
  body.once("close", release);
  body.once("error", release);
}

function isReusable(reusable: JenkinsRequest["reusable"], text: string): boolean {
  if (typeof reusable !== "function") return reusable === true;
  try {
    return reusable(JSON.parse(text));
  } catch {
    return false;
  }
}

/** Everything that makes a read's answer, and the sentence its failure says (one identity's reads). */
function shareKey(url: URL, req: JenkinsRequest): string {
  const headers = Object.entries(req.headers ?? {})
    .map(([name, value]) => `${name.toLowerCase()}:${value}`)
    .sort();
  return JSON.stringify([url.href, headers, req.requireJenkinsHeader, req.accept, req.action, req.notFound]);
}

function sessionCookie(setCookie: string | string[] | undefined): string {
  const cookies = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  return cookies
    .map((cookie) => cookie.split(";")[0]?.trim() ?? "")
    .filter((pair) => pair.startsWith("JSESSIONID"))
    .join("; ");
}

function basicAuthorization(auth: JenkinsAuth): string | undefined {
  if (auth.kind === "anonymous") return undefined;
  const secret = auth.kind === "apiToken" ? auth.token : auth.password;
  return `Basic ${Buffer.from(`${auth.user}:${secret}`).toString("base64")}`;
}

function toSearchParams(query: Query | URLSearchParams): URLSearchParams {
  if (query instanceof URLSearchParams) return query;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  return params;
}

async function readLimited(body: Dispatcher.ResponseData["body"], limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  body.on("error", () => undefined);
  for await (const chunk of body) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size >= limit) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function createClient(config: JenkinsConfig) {
  const undici = await import("./undici.js");
  // node:tls is loaded here, not at start: it brings OpenSSL's bindings, and a plain-HTTP Jenkins
  // never needs them (an idle stdio server was 3 MB smaller without, issue #8).
  const ca = config.caFile
    ? [...(await import("node:tls")).rootCertificates, readFileSync(config.caFile, "utf8")]
    : undefined;
  return { dispatcher: createDispatcher(config, undici, ca), request: undici.request };
}

function createDispatcher(
  config: JenkinsConfig,
  undici: typeof import("./undici.js"),
  ca: string[] | undefined,
): Dispatcher {
  const tls = { rejectUnauthorized: !config.tlsInsecure, ...(ca ? { ca } : {}) };
  const options = {
    connections: 16,
    keepAliveTimeout: 30_000,
    headersTimeout: config.timeoutMs,
    bodyTimeout: config.timeoutMs,
    connect: { ...tls, timeout: Math.min(config.timeoutMs, 10_000) },
  };
  const { httpProxy, httpsProxy } = config.proxy;
  if (httpProxy || httpsProxy) {
    return new undici.EnvHttpProxyAgent({ ...options, ...config.proxy, requestTls: tls });
  }
  return new undici.Pool(new URL(config.url).origin, options);
}

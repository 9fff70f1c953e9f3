/**
 * Everything that can go wrong talking to Jenkins, each with one sentence that says what to do.
 * The message is what a model (or a person) reads: never HTML, never a stack trace, never a secret.
 */
export type JenkinsErrorKind =
  | "invalidInput"
  | "unauthorized"
  | "forbidden"
  | "crumb"
  | "notFound"
  | "rejected"
  | "serverError"
  /** Jenkins, its proxy or this server's request budget asks to come back later. */
  | "busy"
  | "ssoRedirect"
  | "redirect"
  | "notJenkins"
  | "tls"
  | "dns"
  | "connectionRefused"
  | "timeout"
  | "network"
  | "cancelled"
  | "unexpected";

/**
 * What a failure is about, for the layer above to say what to do next in its own terms (the tools
 * name the tool to call): the adapter speaks Jenkins only.
 * - `job`, `build`: the job, or the numbered build, does not exist;
 * - `input`: the input step is not waiting (answered already, or never there);
 * - `notAFolder`: a job was named where a folder was needed;
 * - `notAJob`: a folder or multibranch project was named where a job with builds was needed;
 * - `queuedBuild`: Jenkins accepted a trigger without naming the queue item it made.
 */
export type ErrorSubject = "job" | "build" | "input" | "notAFolder" | "notAJob" | "queuedBuild";

export class JenkinsError extends Error {
  override name = "JenkinsError";
  readonly status: number | undefined;
  /** Undefined when the message says all there is to say. */
  readonly subject: ErrorSubject | undefined;
  /** How long to wait before trying again, when Jenkins (Retry-After) or the budget said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    readonly kind: JenkinsErrorKind,
    message: string,
    details: { status?: number; subject?: ErrorSubject; retryAfterMs?: number } = {},
  ) {
    super(message);
    this.status = details.status;
    this.subject = details.subject;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Input refused before anything was sent to Jenkins. */
export class InvalidInputError extends JenkinsError {
  override name = "InvalidInputError";
  constructor(message: string, subject?: ErrorSubject) {
    super("invalidInput", message, { subject });
  }
}

/** What a 404 means to one request. */
export interface NotFound {
  /** E.g. `Job "team/api" was not found`. */
  sentence: string;
  subject?: ErrorSubject;
}

/** What a request was doing, for error sentences: "reading job team/api". */
export interface RequestContext {
  action: string;
  /** What a 404 means; a generic sentence otherwise. */
  notFound?: NotFound;
  /** True when the request may have changed Jenkins (POST): failures then say what to check. */
  mutating?: boolean;
}

const PERMISSION_GROUPS: Record<string, string> = {
  "hudson.model.Item": "Job",
  "hudson.model.Hudson": "Overall",
  "jenkins.model.Jenkins": "Overall",
  "hudson.model.Run": "Run",
  "hudson.model.Computer": "Agent",
  "hudson.model.View": "View",
};

/** `hudson.model.Item.Build` → `Job/Build`, the name Jenkins' permission matrix shows. */
function permissionName(required: string): string {
  const dot = required.lastIndexOf(".");
  if (dot < 0) return required;
  const group = PERMISSION_GROUPS[required.slice(0, dot)];
  return group ? `${group}/${required.slice(dot + 1)}` : required;
}

export interface HttpFailure {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The first bytes of the body, as text. */
  bodyText: string;
}

function header(headers: HttpFailure["headers"], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The `<title>` of an HTML page, or the first non-blank line of a text body. */
function summarizeBody(bodyText: string): string | undefined {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(bodyText)?.[1];
  const text =
    title ?? (/<[a-z!]/i.test(bodyText) ? undefined : bodyText.split("\n").find((line) => line.trim()));
  const cleaned = text
    ?.replace(/\s+/g, " ")
    .replace(/\s*\[Jenkins\]\s*$/, "")
    .trim();
  return cleaned ? decodeEntities(cleaned).slice(0, 200) : undefined;
}

/** The text of HTML with its character references decoded. */
export function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, "&");
}

/** Turns a non-success HTTP answer into one typed, actionable error. */
export function errorFromResponse(failure: HttpFailure, context: RequestContext): JenkinsError {
  const { status, headers, bodyText } = failure;
  const reason = header(headers, "x-error") ?? summarizeBody(bodyText);
  if (status === 401) {
    return new JenkinsError(
      "unauthorized",
      `Jenkins rejected the credentials while ${context.action} (401): check JENKINS_USER and JENKINS_API_TOKEN (create a token under your user > Security > API Token).`,
      { status },
    );
  }
  if (status === 403) return forbidden(failure, context);
  const retryAfter = retryAfterMs(header(headers, "retry-after"));
  if (status === 429 || (status === 503 && retryAfter !== undefined)) {
    return overloaded(status, retryAfter, context);
  }
  if (status === 404) {
    return new JenkinsError(
      "notFound",
      `${context.notFound?.sentence ?? `Jenkins found nothing at the address used while ${context.action}`} (404).`,
      { status, subject: context.notFound?.subject },
    );
  }
  if (status >= 500) {
    return new JenkinsError(
      "serverError",
      `Jenkins failed with ${status}${reason && !/^Error \d+/.test(reason) ? ` (${reason})` : ""} while ${context.action}; ${
        context.mutating
          ? "check in Jenkins whether it took effect before trying again."
          : "try again shortly, or ask a Jenkins admin to check its logs."
      }`,
      { status },
    );
  }
  return new JenkinsError(
    "rejected",
    `Jenkins refused ${context.action} (${status})${reason ? `: ${reason}` : ""}.`,
    { status },
  );
}

/**
 * Retry-After in milliseconds from now: delay-seconds or an HTTP date (RFC 9110 10.2.3); undefined
 * when absent or unreadable.
 */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Each of RFC 9110's date forms starts with the day's name; Date.parse alone takes "-5" as a year.
  if (!/^[A-Za-z]{3}/.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** 429, or 503 with Retry-After: Jenkins or a proxy in front of it sheds load and says when to return. */
function overloaded(status: number, waitMs: number | undefined, context: RequestContext): JenkinsError {
  const seconds = waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 1000));
  const when = seconds === undefined ? "shortly" : `in about ${seconds} s`;
  const next = context.mutating
    ? `check in Jenkins whether it took effect before trying again ${when}`
    : `retry ${when}`;
  return new JenkinsError(
    "busy",
    `Jenkins (or a proxy in front of it) is overloaded and refused ${context.action} (${status}); ${next}.`,
    { status, ...(waitMs === undefined ? {} : { retryAfterMs: waitMs }) },
  );
}

function forbidden(failure: HttpFailure, context: RequestContext): JenkinsError {
  const { headers, bodyText } = failure;
  if (/No valid crumb/i.test(bodyText)) {
    return new JenkinsError(
      "crumb",
      `Jenkins refused ${context.action} for lack of a valid CSRF crumb (403): use JENKINS_API_TOKEN instead of a password, which needs no crumb.`,
      { status: 403 },
    );
  }
  const user = header(headers, "x-you-are-authenticated-as");
  const required = header(headers, "x-required-permission");
  if (!user || user === "anonymous") {
    return new JenkinsError(
      "forbidden",
      `Jenkins refused anonymous access while ${context.action} (403): set JENKINS_USER and JENKINS_API_TOKEN.`,
      { status: 403 },
    );
  }
  const permission = required ? `the ${permissionName(required)} permission` : "a permission";
  return new JenkinsError(
    "forbidden",
    `User "${user}" lacks ${permission} needed for ${context.action} (403): ask a Jenkins admin to grant it, or use an account that has it.`,
    { status: 403 },
  );
}

const NETWORK_CODES: Record<string, JenkinsErrorKind> = {
  ENOTFOUND: "dns",
  EAI_AGAIN: "dns",
  ECONNREFUSED: "connectionRefused",
  UND_ERR_CONNECT_TIMEOUT: "timeout",
  UND_ERR_HEADERS_TIMEOUT: "timeout",
  UND_ERR_BODY_TIMEOUT: "timeout",
  ETIMEDOUT: "timeout",
};

const TLS_CODE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|HOSTNAME_MISMATCH|EPROTO/;

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code && code !== "UND_ERR_SOCKET") return code;
    current = (current as Error & { cause?: unknown }).cause;
  }
  return (error as NodeJS.ErrnoException)?.code ?? "";
}

/** Turns a failure below HTTP (DNS, TCP, TLS, timeouts, aborts) into one typed, actionable error. */
export function errorFromNetwork(
  error: unknown,
  target: URL,
  context: RequestContext,
  timeoutMs: number,
): JenkinsError {
  if (error instanceof JenkinsError) return error;
  const code = errorCode(error);
  const host = target.host;
  const kind = NETWORK_CODES[code] ?? (TLS_CODE.test(code) ? "tls" : undefined);
  const writeNote = context.mutating
    ? " The request may have reached Jenkins: check whether it took effect before trying again."
    : "";
  switch (kind) {
    case "dns":
      return new JenkinsError("dns", `Cannot resolve the host ${target.hostname} (DNS): check JENKINS_URL.`);
    case "connectionRefused":
      return new JenkinsError(
        "connectionRefused",
        `Cannot connect to ${host} (connection refused) while ${context.action}: is Jenkins running, and is JENKINS_URL right?`,
      );
    case "timeout":
      return new JenkinsError(
        "timeout",
        `Jenkins did not answer within ${timeoutMs} ms while ${context.action}; it may be overloaded: try again, or raise JENKINS_TIMEOUT_MS.${writeNote}`,
      );
    case "tls":
      return new JenkinsError(
        "tls",
        `The TLS connection to ${host} failed (${code}): if Jenkins uses a private CA, set JENKINS_CA_FILE to its PEM bundle.`,
      );
  }
  if (isAbort(error)) {
    return new JenkinsError("cancelled", `The request was cancelled while ${context.action}.`);
  }
  return new JenkinsError(
    "network",
    `The connection to ${host} failed while ${context.action} (${code || (error as Error)?.message || "unknown error"}); try again.${writeNote}`,
  );
}

function isAbort(error: unknown): boolean {
  return (
    error instanceof Error &&
    (error.name === "AbortError" || (error as NodeJS.ErrnoException).code === "ABORT_ERR")
  );
}

/** The answer of a read that may legitimately find nothing (no stage view, no test report), or null. */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | null> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof JenkinsError && error.kind === "notFound") return null;
    throw error;
  }
}

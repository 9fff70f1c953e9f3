import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";

/** A configuration mistake: the CLI prints its message alone and exits with code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type JenkinsAuth =
  | { kind: "anonymous" }
  | { kind: "apiToken"; user: string; token: string }
  | { kind: "password"; user: string; password: string };

export interface ProxyConfig {
  httpProxy?: string;
  httpsProxy?: string;
  noProxy?: string;
}

export interface JenkinsConfig {
  /** Base URL with a trailing slash, path prefix kept (`https://ci.example.com/jenkins/`). */
  url: string;
  auth: JenkinsAuth;
  timeoutMs: number;
  caFile?: string;
  tlsInsecure: boolean;
  proxy: ProxyConfig;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export type TransportKind = "stdio" | "http";

/** A client allowed on the HTTP transport: its name is its identity in logs, audit and policy. */
export interface HttpClientToken {
  name: string;
  token: string;
}

export interface HttpConfig {
  host: string;
  port: number;
  /** No sessions for any client: every request is served on its own (for load-balanced instances). */
  stateless: boolean;
  /** Empty: no authentication (allowed on loopback, or with allowUnauthenticated). */
  tokens: readonly HttpClientToken[];
  allowUnauthenticated: boolean;
  /** Exact origins (`https://chat.example.com`); undefined: localhost origins on a loopback bind, none otherwise. */
  allowedOrigins?: readonly string[];
  /** Host header names without port; undefined: localhost names on a loopback bind, any otherwise. */
  allowedHosts?: readonly string[];
  maxBodyBytes: number;
  requestTimeoutMs: number;
  maxSessions: number;
  sessionIdleMs: number;
  shutdownGraceMs: number;
}

/** Which tools the server offers; names are checked against the tool list when the server starts. */
export interface ToolSelection {
  readOnly: boolean;
  /** Exactly these tools (wins over toolsets). */
  only?: string[];
  exclude: string[];
  /** Tool groups; undefined means the default set. */
  toolsets?: string[];
}

/** Guardrails for agents: who may do what, and the record of what they did. */
export interface GuardConfig {
  policyFile?: string;
  auditLog?: string;
}

export interface Config {
  jenkins: JenkinsConfig;
  logLevel: LogLevel;
  logFile?: string;
  transport: TransportKind;
  http: HttpConfig;
  tools: ToolSelection;
  guard: GuardConfig;
}

export type CliAction = { kind: "help" } | { kind: "version" } | { kind: "serve"; config: Config };

type Env = Record<string, string | undefined>;

interface Setting {
  env: string;
  /** Command-line twin; it wins over the environment variable. */
  flag?: string;
  /** Boolean flags take no value (`--read-only`); their variable takes true/false. */
  boolean?: boolean;
  help: string;
}

/** Every setting, in --help order. Parsing of flags and the help text both come from this table. */
export const SETTINGS: readonly Setting[] = [
  {
    env: "JENKINS_URL",
    flag: "jenkins-url",
    help: "Jenkins base URL, http(s), may include a path prefix (required)",
  },
  { env: "JENKINS_USER", help: "Jenkins user name (omit for anonymous access)" },
  { env: "JENKINS_API_TOKEN", help: "API token of JENKINS_USER (preferred over a password)" },
  { env: "JENKINS_API_TOKEN_FILE", help: "file holding the API token (for container secrets)" },
  { env: "JENKINS_PASSWORD", help: "password of JENKINS_USER (needs CSRF crumbs; use a token if you can)" },
  { env: "JENKINS_PASSWORD_FILE", help: "file holding the password" },
  { env: "JENKINS_TIMEOUT_MS", help: "timeout of each Jenkins request in ms (default 30000)" },
  { env: "JENKINS_CA_FILE", help: "extra CA certificates (PEM) to trust for Jenkins" },
  { env: "JENKINS_TLS_INSECURE", help: "true to skip TLS certificate checks (dangerous; default false)" },
  { env: "HTTPS_PROXY", help: "proxy for https Jenkins URLs (also https_proxy)" },
  { env: "HTTP_PROXY", help: "proxy for http Jenkins URLs (also http_proxy)" },
  { env: "NO_PROXY", help: "hosts reached without the proxy, comma-separated (also no_proxy)" },
  { env: "LOG_LEVEL", flag: "log-level", help: "fatal|error|warn|info|debug|trace|silent (default info)" },
  { env: "LOG_FILE", flag: "log-file", help: "write logs to this file instead of stderr" },
  // Streamable HTTP transport (issue #5). Tokens have no flags: command lines are visible to other users.
  {
    env: "MCP_TRANSPORT",
    flag: "transport",
    help: "stdio|http: how MCP clients reach this server (default stdio)",
  },
  { env: "MCP_HOST", flag: "host", help: "http: address to listen on (default 127.0.0.1)" },
  { env: "MCP_PORT", flag: "port", help: "http: port to listen on; 0 picks a free one (default 3000)" },
  {
    env: "MCP_STATELESS",
    flag: "stateless",
    boolean: true,
    help: "http: no sessions, nothing kept between requests (for instances behind a load balancer)",
  },
  { env: "MCP_AUTH_TOKEN", help: 'http: bearer token clients must send (client name "default")' },
  { env: "MCP_AUTH_TOKENS_FILE", help: 'http: file of "name token" lines, one per client' },
  {
    env: "MCP_ALLOW_UNAUTHENTICATED",
    flag: "allow-unauthenticated",
    boolean: true,
    help: "http: serve a non-loopback address without tokens (anyone reaching it acts as JENKINS_USER)",
  },
  {
    env: "MCP_ALLOWED_ORIGINS",
    help: "http: browser origins allowed, comma-separated, e.g. https://chat.example.com (default: localhost ones on loopback)",
  },
  {
    env: "MCP_ALLOWED_HOSTS",
    help: "http: Host header names allowed, comma-separated (default: localhost names on loopback, any otherwise)",
  },
  { env: "MCP_MAX_BODY_BYTES", help: "http: largest request body in bytes (default 1048576)" },
  {
    env: "MCP_REQUEST_TIMEOUT_MS",
    help: "http: a request running longer is cancelled, in ms (default 600000)",
  },
  { env: "MCP_MAX_SESSIONS", help: "http: most open sessions of older (2025) clients (default 1000)" },
  { env: "MCP_SESSION_IDLE_MS", help: "http: a session unused this long is closed, in ms (default 900000)" },
  {
    env: "MCP_SHUTDOWN_GRACE_MS",
    help: "http: on SIGTERM, how long in-flight calls may take to finish, in ms (default 60000)",
  },
  // Which tools are offered, and the guardrails around them.
  {
    env: "JENKINS_MCP_READ_ONLY",
    flag: "read-only",
    boolean: true,
    help: "offer only tools that change nothing in Jenkins (the others are not even listed)",
  },
  {
    env: "JENKINS_MCP_TOOLS",
    flag: "tools",
    help: "offer exactly these tools, comma-separated, e.g. getJob,getBuild",
  },
  {
    env: "JENKINS_MCP_EXCLUDE_TOOLS",
    flag: "exclude-tools",
    help: "never offer these tools, comma-separated",
  },
  {
    env: "JENKINS_MCP_TOOLSETS",
    flag: "toolsets",
    help: "offer these tool groups, comma-separated, or all (default: the core tools)",
  },
  {
    env: "JENKINS_MCP_POLICY",
    flag: "policy",
    help: "policy file (YAML or JSON): which client may do what to which jobs",
  },
  {
    env: "JENKINS_MCP_AUDIT_LOG",
    flag: "audit-log",
    help: "append one JSON line per tool call to this file",
  },
];

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const booleanSetting = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ["true", "false", "1", "0", "yes", "no", ""].includes(value), {
      message: `${name} must be true or false`,
    })
    .transform((value) => ["true", "1", "yes"].includes(value));

const httpUrl = (name: string) =>
  z
    .string({ error: `${name} is required: set it to your Jenkins URL, e.g. https://ci.example.com/` })
    .trim()
    .min(1, `${name} is required: set it to your Jenkins URL, e.g. https://ci.example.com/`)
    .transform((value, ctx) => {
      let parsed: URL;
      try {
        parsed = new URL(value);
      } catch {
        ctx.addIssue({ code: "custom", message: `${name} is not a valid URL: "${value}"` });
        return z.NEVER;
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
        ctx.addIssue({ code: "custom", message: `${name} must start with http:// or https://` });
        return z.NEVER;
      }
      if (parsed.username || parsed.password) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must not contain credentials; use JENKINS_USER and JENKINS_API_TOKEN`,
        });
        return z.NEVER;
      }
      parsed.search = "";
      parsed.hash = "";
      if (!parsed.pathname.endsWith("/")) parsed.pathname += "/";
      return parsed.toString();
    });

const wholeNumber = (name: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const commaList = () =>
  z.string().transform((value) =>
    value
      .split(",")
      .map((entry) => entry.trim())
      .filter((entry) => entry !== ""),
  );

/** An exact browser origin, normalized as browsers send it (`https://chat.example.com`). */
const origin = (name: string) =>
  z.string().transform((value, ctx) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {}
    if (!parsed || parsed.origin === "null" || value.replace(/\/$/, "") !== parsed.origin) {
      ctx.addIssue({
        code: "custom",
        message: `${name}: "${value}" is not an origin like https://chat.example.com`,
      });
      return z.NEVER;
    }
    return parsed.origin;
  });

const hostName = (name: string) =>
  z
    .string()
    .toLowerCase()
    .regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/, `${name} takes host names without port, e.g. mcp.example.com`);

const rawSchema = z.object({
  JENKINS_URL: httpUrl("JENKINS_URL"),
  JENKINS_USER: z.string().trim().optional(),
  JENKINS_API_TOKEN: z.string().trim().optional(),
  JENKINS_PASSWORD: z.string().optional(),
  JENKINS_TIMEOUT_MS: z.coerce
    .number({ error: "JENKINS_TIMEOUT_MS must be a number of milliseconds" })
    .int("JENKINS_TIMEOUT_MS must be a whole number of milliseconds")
    .min(100, "JENKINS_TIMEOUT_MS must be at least 100")
    .max(600_000, "JENKINS_TIMEOUT_MS must be at most 600000 (10 minutes)")
    .default(30_000),
  JENKINS_CA_FILE: z.string().trim().min(1).optional(),
  JENKINS_TLS_INSECURE: booleanSetting("JENKINS_TLS_INSECURE").default(false),
  LOG_LEVEL: z.enum(logLevels, { error: `LOG_LEVEL must be one of ${logLevels.join(", ")}` }).default("info"),
  LOG_FILE: z.string().trim().min(1).optional(),
  HTTPS_PROXY: httpUrl("HTTPS_PROXY").optional(),
  HTTP_PROXY: httpUrl("HTTP_PROXY").optional(),
  NO_PROXY: z.string().optional(),
  // Streamable HTTP transport.
  MCP_TRANSPORT: z.enum(["stdio", "http"], { error: "MCP_TRANSPORT must be stdio or http" }).default("stdio"),
  MCP_HOST: z.string().trim().min(1).default("127.0.0.1"),
  MCP_PORT: wholeNumber("MCP_PORT", 0, 65_535).default(3000),
  MCP_STATELESS: booleanSetting("MCP_STATELESS").default(false),
  MCP_AUTH_TOKEN: z.string().trim().optional(),
  MCP_AUTH_TOKENS_FILE: z.string().trim().optional(),
  MCP_ALLOW_UNAUTHENTICATED: booleanSetting("MCP_ALLOW_UNAUTHENTICATED").default(false),
  MCP_ALLOWED_ORIGINS: commaList()
    .pipe(z.array(origin("MCP_ALLOWED_ORIGINS")))
    .optional(),
  MCP_ALLOWED_HOSTS: commaList()
    .pipe(z.array(hostName("MCP_ALLOWED_HOSTS")))
    .optional(),
  MCP_MAX_BODY_BYTES: wholeNumber("MCP_MAX_BODY_BYTES", 1024, 64 * 1024 * 1024).default(1024 * 1024),
  MCP_REQUEST_TIMEOUT_MS: wholeNumber("MCP_REQUEST_TIMEOUT_MS", 100, 86_400_000).default(600_000),
  MCP_MAX_SESSIONS: wholeNumber("MCP_MAX_SESSIONS", 1, 100_000).default(1000),
  MCP_SESSION_IDLE_MS: wholeNumber("MCP_SESSION_IDLE_MS", 100, 86_400_000).default(900_000),
  MCP_SHUTDOWN_GRACE_MS: wholeNumber("MCP_SHUTDOWN_GRACE_MS", 0, 3_600_000).default(60_000),
  // Tool selection and guardrails.
  JENKINS_MCP_READ_ONLY: booleanSetting("JENKINS_MCP_READ_ONLY").default(false),
  JENKINS_MCP_TOOLS: commaList().optional(),
  JENKINS_MCP_EXCLUDE_TOOLS: commaList().default([]),
  JENKINS_MCP_TOOLSETS: commaList().optional(),
  JENKINS_MCP_POLICY: z.string().trim().min(1).optional(),
  JENKINS_MCP_AUDIT_LOG: z.string().trim().min(1).optional(),
});

/** Parses argv (without node and script) and the environment into what the CLI should do. */
export function parseCli(argv: string[], env: Env): CliAction {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "v" },
  };
  for (const setting of SETTINGS) {
    if (setting.flag) options[setting.flag] = { type: setting.boolean ? "boolean" : "string" };
  }
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new ConfigError(`${(error as Error).message}. Run jenkins-mcp --help for the list of options.`);
  }
  if (flags.help) return { kind: "help" };
  if (flags.version) return { kind: "version" };
  const merged: Env = { ...env };
  for (const setting of SETTINGS) {
    const value = setting.flag ? flags[setting.flag] : undefined;
    if (value !== undefined) merged[setting.env] = String(value);
  }
  return { kind: "serve", config: loadConfig(merged) };
}

/** Builds the validated configuration from environment-style settings, or throws one ConfigError. */
export function loadConfig(env: Env): Config {
  const settings = withSecretFiles(normalizeEnv(env));
  const parsed = rawSchema.safeParse(settings);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join("; "));
  }
  const raw = parsed.data;
  const caFile = raw.JENKINS_CA_FILE;
  if (caFile) readSecretFile("JENKINS_CA_FILE", caFile);
  return {
    jenkins: {
      url: raw.JENKINS_URL,
      auth: resolveAuth(raw.JENKINS_USER, raw.JENKINS_API_TOKEN, raw.JENKINS_PASSWORD),
      timeoutMs: raw.JENKINS_TIMEOUT_MS,
      ...(caFile ? { caFile } : {}),
      tlsInsecure: raw.JENKINS_TLS_INSECURE,
      proxy: dropUndefined({ httpProxy: raw.HTTP_PROXY, httpsProxy: raw.HTTPS_PROXY, noProxy: raw.NO_PROXY }),
    },
    logLevel: raw.LOG_LEVEL,
    ...(raw.LOG_FILE ? { logFile: raw.LOG_FILE } : {}),
    transport: raw.MCP_TRANSPORT,
    http: httpConfig(raw),
    tools: dropUndefined({
      readOnly: raw.JENKINS_MCP_READ_ONLY,
      only: raw.JENKINS_MCP_TOOLS,
      exclude: raw.JENKINS_MCP_EXCLUDE_TOOLS,
      toolsets: raw.JENKINS_MCP_TOOLSETS,
    }),
    guard: dropUndefined({ policyFile: raw.JENKINS_MCP_POLICY, auditLog: raw.JENKINS_MCP_AUDIT_LOG }),
  };
}

function httpConfig(raw: z.output<typeof rawSchema>): HttpConfig {
  const config: HttpConfig = {
    host: raw.MCP_HOST,
    port: raw.MCP_PORT,
    stateless: raw.MCP_STATELESS,
    tokens: clientTokens(raw.MCP_AUTH_TOKEN, raw.MCP_AUTH_TOKENS_FILE),
    allowUnauthenticated: raw.MCP_ALLOW_UNAUTHENTICATED,
    ...(raw.MCP_ALLOWED_ORIGINS ? { allowedOrigins: raw.MCP_ALLOWED_ORIGINS } : {}),
    ...(raw.MCP_ALLOWED_HOSTS ? { allowedHosts: raw.MCP_ALLOWED_HOSTS } : {}),
    maxBodyBytes: raw.MCP_MAX_BODY_BYTES,
    requestTimeoutMs: raw.MCP_REQUEST_TIMEOUT_MS,
    maxSessions: raw.MCP_MAX_SESSIONS,
    sessionIdleMs: raw.MCP_SESSION_IDLE_MS,
    shutdownGraceMs: raw.MCP_SHUTDOWN_GRACE_MS,
  };
  if (raw.MCP_TRANSPORT === "http" && config.tokens.length === 0 && !config.allowUnauthenticated) {
    if (!isLoopbackHost(config.host)) {
      throw new ConfigError(
        `MCP_HOST ${config.host} is not a loopback address: set MCP_AUTH_TOKEN or MCP_AUTH_TOKENS_FILE, or pass --allow-unauthenticated to let anyone who reaches the port act as the Jenkins user`,
      );
    }
  }
  return config;
}

/** True for addresses only this machine can reach: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  return (
    bare === "localhost" || bare === "::1" || /^127\.\d+\.\d+\.\d+$/.test(bare) || /^::ffff:127\./.test(bare)
  );
}

/** Short tokens can be guessed; this is the floor, `openssl rand -hex 32` is the advice. */
const MIN_TOKEN_LENGTH = 16;
const CLIENT_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

function clientTokens(single: string | undefined, file: string | undefined): HttpClientToken[] {
  if (single && file) throw new ConfigError("Set either MCP_AUTH_TOKEN or MCP_AUTH_TOKENS_FILE, not both");
  const clients = single
    ? [{ name: "default", token: single, where: "MCP_AUTH_TOKEN" }]
    : file
      ? parseTokensFile(readSecretFile("MCP_AUTH_TOKENS_FILE", file), file)
      : [];
  const names = new Set<string>();
  const tokens = new Set<string>();
  for (const { name, token, where } of clients) {
    if (token.length < MIN_TOKEN_LENGTH) {
      throw new ConfigError(
        `${where}: the token is shorter than ${MIN_TOKEN_LENGTH} characters; generate one with openssl rand -hex 32`,
      );
    }
    if (names.has(name)) throw new ConfigError(`${where}: client name "${name}" is used twice`);
    if (tokens.has(token)) throw new ConfigError(`${where}: this token is already given to another client`);
    names.add(name);
    tokens.add(token);
  }
  return clients.map(({ name, token }) => ({ name, token }));
}

/** One `name token` pair per line; blank lines and lines starting with # are ignored. */
function parseTokensFile(text: string, path: string): (HttpClientToken & { where: string })[] {
  const clients: (HttpClientToken & { where: string })[] = [];
  for (const [index, line] of text.split(/\r?\n/).entries()) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const where = `MCP_AUTH_TOKENS_FILE ${path} line ${index + 1}`;
    const fields = trimmed.split(/\s+/);
    const [name, token] = fields;
    if (fields.length !== 2 || !name || !token) throw new ConfigError(`${where}: expected "name token"`);
    if (!CLIENT_NAME.test(name)) {
      throw new ConfigError(`${where}: client names use letters, digits and . _ @ - (at most 64)`);
    }
    clients.push({ name, token, where });
  }
  if (clients.length === 0) throw new ConfigError(`MCP_AUTH_TOKENS_FILE ${path} names no client`);
  return clients;
}

/** Empty variables count as unset; proxy variables are also read in their lowercase form, as curl does. */
function normalizeEnv(env: Env): Env {
  const result: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") result[key] = value;
  }
  for (const name of ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY"]) {
    result[name] ??= result[name.toLowerCase()];
  }
  return result;
}

function withSecretFiles(env: Env): Env {
  const result = { ...env };
  for (const name of ["JENKINS_API_TOKEN", "JENKINS_PASSWORD"]) {
    const file = env[`${name}_FILE`];
    if (!file) continue;
    if (env[name]) throw new ConfigError(`Set either ${name} or ${name}_FILE, not both`);
    result[name] = readSecretFile(`${name}_FILE`, file).trim();
  }
  return result;
}

function readSecretFile(variable: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigError(`${variable} names a file that cannot be read (${code}): ${path}`);
  }
}

function resolveAuth(user?: string, token?: string, password?: string): JenkinsAuth {
  if (token && password) {
    throw new ConfigError(
      "Set either JENKINS_API_TOKEN or JENKINS_PASSWORD, not both (the API token is preferred)",
    );
  }
  if (!user) {
    if (token || password) {
      throw new ConfigError("JENKINS_USER is required with JENKINS_API_TOKEN or JENKINS_PASSWORD");
    }
    return { kind: "anonymous" };
  }
  if (token) return { kind: "apiToken", user, token };
  if (password !== undefined) return { kind: "password", user, password };
  throw new ConfigError(
    "JENKINS_USER is set but no secret: set JENKINS_API_TOKEN (create one under your Jenkins user > Security > API Token)",
  );
}

function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}

export function helpText(version: string): string {
  const names = SETTINGS.map((setting) => (setting.flag ? `--${setting.flag}` : ""));
  const flagWidth = Math.max(...names.map((name) => name.length));
  const envWidth = Math.max(...SETTINGS.map((setting) => setting.env.length));
  const rows = SETTINGS.map(
    (setting, index) =>
      `  ${(names[index] ?? "").padEnd(flagWidth)}  ${setting.env.padEnd(envWidth)}  ${setting.help}`,
  );
  return [
    `jenkins-mcp ${version}: an MCP server for Jenkins`,
    "",
    "Usage: jenkins-mcp [options]      (settings come from flags or environment variables)",
    "       jenkins-mcp --help | --version",
    "",
    "Settings (a flag wins over its environment variable):",
    ...rows,
    "",
  ].join("\n");
}

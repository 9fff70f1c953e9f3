import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import { fillBlock, table } from "./markdown.js";

/** A configuration mistake: the CLI prints its message alone and exits with code 2. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export type JenkinsAuth =
  | { kind: "anonymous" }
  | { kind: "apiToken"; user: string; token: string }
  | { kind: "password"; user: string; password: string };

interface ProxyConfig {
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

type TransportKind = "stdio" | "http";

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
interface GuardConfig {
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

const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** False unless set. */
const booleanSetting = (name: string) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .refine((value) => ["true", "false", "1", "0", "yes", "no", ""].includes(value), {
      message: `${name} must be true or false`,
    })
    .transform((value) => ["true", "1", "yes"].includes(value))
    .default(false);

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

/** Names, tokens and paths. Blank values never get here: loadConfig treats them as unset. */
const trimmedText = () => z.string().trim().optional();

/** Passwords and host lists, kept exactly as written. */
const verbatimText = () => z.string().optional();

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

interface Setting {
  env: string;
  /** Command-line twin; it wins over the environment variable. */
  flag?: string;
  /** Validates and converts the variable's value; gets the variable's name for its messages. */
  schema: (env: string) => z.ZodType;
  /** Markdown: the README's Meaning column; --help prints it without the markup. */
  help: string;
  /** What applies when the variable is unset, in words, where the schema has no default value to show. */
  whenUnset?: string;
}

/**
 * Every setting once, grouped as documented: each group is a table in README.md (between
 * `<!-- settings:GROUP -->` markers, see withSettingsTables) and a block of --help.
 */
const SETTINGS_TABLE = {
  configuration: {
    title: "Settings (a flag wins over its environment variable):",
    settings: [
      {
        env: "JENKINS_URL",
        flag: "jenkins-url",
        schema: httpUrl,
        whenUnset: "required",
        help: "Jenkins base URL, `http` or `https`; may include a path prefix such as `https://ci.example.com/jenkins/`",
      },
      { env: "JENKINS_USER", schema: trimmedText, whenUnset: "anonymous", help: "Jenkins user id" },
      { env: "JENKINS_API_TOKEN", schema: trimmedText, help: "API token of that user (preferred)" },
      {
        env: "JENKINS_API_TOKEN_FILE",
        schema: trimmedText,
        help: "File holding the token, for container secrets",
      },
      {
        env: "JENKINS_PASSWORD",
        schema: verbatimText,
        help: "Password instead of a token (needs crumbs; not recommended)",
      },
      { env: "JENKINS_PASSWORD_FILE", schema: trimmedText, help: "File holding the password" },
      {
        env: "JENKINS_TIMEOUT_MS",
        schema: (name) =>
          z.coerce
            .number({ error: `${name} must be a number of milliseconds` })
            .int(`${name} must be a whole number of milliseconds`)
            .min(100, `${name} must be at least 100`)
            .max(600_000, `${name} must be at most 600000 (10 minutes)`)
            .default(30_000),
        help: "Timeout of each Jenkins request (100 to 600000)",
      },
      {
        env: "JENKINS_CA_FILE",
        schema: trimmedText,
        help: "Extra CA certificates (PEM) to trust, for a private CA",
      },
      {
        env: "JENKINS_TLS_INSECURE",
        schema: booleanSetting,
        help: "Skip TLS certificate checks. Dangerous: logs a warning at start",
      },
      // Also read in lowercase (see normalizeEnv).
      {
        env: "HTTPS_PROXY",
        schema: (name) => httpUrl(name).optional(),
        help: "Proxy for `https` Jenkins URLs (`https_proxy` too)",
      },
      {
        env: "HTTP_PROXY",
        schema: (name) => httpUrl(name).optional(),
        help: "Proxy for `http` Jenkins URLs (`http_proxy` too)",
      },
      {
        env: "NO_PROXY",
        schema: verbatimText,
        help: "Hosts reached without the proxy, comma-separated (`no_proxy` too)",
      },
      {
        env: "LOG_LEVEL",
        flag: "log-level",
        schema: (name) =>
          z.enum(logLevels, { error: `${name} must be one of ${logLevels.join(", ")}` }).default("info"),
        help: "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`",
      },
      {
        env: "LOG_FILE",
        flag: "log-file",
        schema: trimmedText,
        whenUnset: "stderr",
        help: "Write logs to this file. Logs never go to stdout, the protocol channel",
      },
      // Which tools are offered, and the guardrails around them.
      {
        env: "JENKINS_MCP_READ_ONLY",
        flag: "read-only",
        schema: booleanSetting,
        help: "Offer only tools that change nothing; the others are not even listed",
      },
      {
        env: "JENKINS_MCP_TOOLS",
        flag: "tools",
        schema: () => commaList().optional(),
        help: "Offer exactly these tools, comma-separated (`getJob,getBuild`)",
      },
      {
        env: "JENKINS_MCP_EXCLUDE_TOOLS",
        flag: "exclude-tools",
        schema: () => commaList().default([]),
        help: "Never offer these tools, comma-separated",
      },
      {
        env: "JENKINS_MCP_TOOLSETS",
        flag: "toolsets",
        schema: () => commaList().optional(),
        whenUnset: "core tools",
        help: "Offer these tool groups (`jobs`, `builds`, `logs`, `queue`, `pipelines`, `system`, `artifacts`, `views`), `default` (the core tools: `default,logs` adds the log tools to them) or `all`",
      },
      {
        env: "JENKINS_MCP_POLICY",
        flag: "policy",
        schema: trimmedText,
        help: "Access policy file, YAML or JSON: see [Running agents safely](#running-agents-safely)",
      },
      {
        env: "JENKINS_MCP_AUDIT_LOG",
        flag: "audit-log",
        schema: trimmedText,
        help: "Append one JSON line per tool call to this file",
      },
    ],
  },
  // Streamable HTTP transport (issue #5). Tokens have no flags: command lines are visible to other users.
  http: {
    title: "Serving over HTTP (--transport http):",
    settings: [
      {
        env: "MCP_TRANSPORT",
        flag: "transport",
        schema: (name) =>
          z.enum(["stdio", "http"], { error: `${name} must be stdio or http` }).default("stdio"),
        help: "`stdio` or `http`",
      },
      {
        env: "MCP_HOST",
        flag: "host",
        schema: () => z.string().trim().default("127.0.0.1"),
        help: "Address to listen on; a non-loopback one needs tokens",
      },
      {
        env: "MCP_PORT",
        flag: "port",
        schema: (name) => wholeNumber(name, 0, 65_535).default(3000),
        help: "Port; `0` picks a free one",
      },
      {
        env: "MCP_STATELESS",
        flag: "stateless",
        schema: booleanSetting,
        help: "No sessions, nothing kept between requests",
      },
      {
        env: "MCP_AUTH_TOKEN",
        schema: trimmedText,
        help: "Bearer token clients must send; the client is named `default`",
      },
      {
        env: "MCP_AUTH_TOKENS_FILE",
        schema: trimmedText,
        help: "One `name token` pair per line (`#` comments); the name is the client's identity in logs, audit and policy",
      },
      {
        env: "MCP_ALLOW_UNAUTHENTICATED",
        flag: "allow-unauthenticated",
        schema: booleanSetting,
        help: "Serve a non-loopback address without tokens (logs a warning; anyone reaching the port acts as `JENKINS_USER`)",
      },
      {
        env: "MCP_ALLOWED_ORIGINS",
        schema: (name) =>
          commaList()
            .pipe(z.array(origin(name)))
            .optional(),
        whenUnset: "localhost origins on loopback, none otherwise",
        help: "Browser origins allowed, exact and comma-separated (`https://chat.example.com`); others get 403",
      },
      {
        env: "MCP_ALLOWED_HOSTS",
        schema: (name) =>
          commaList()
            .pipe(z.array(hostName(name)))
            .optional(),
        whenUnset: "localhost names on loopback, any otherwise",
        help: "`Host` names accepted (guards against DNS rebinding); replaces the default",
      },
      {
        env: "MCP_MAX_BODY_BYTES",
        schema: (name) => wholeNumber(name, 1024, 64 * 1024 * 1024).default(1024 * 1024),
        help: "Larger request bodies get 413",
      },
      {
        env: "MCP_REQUEST_TIMEOUT_MS",
        schema: (name) => wholeNumber(name, 100, 86_400_000).default(600_000),
        help: "A call running longer is cancelled and answered with an error; keep it above the longest `triggerBuild` wait you allow",
      },
      {
        env: "MCP_MAX_SESSIONS",
        schema: (name) => wholeNumber(name, 1, 100_000).default(1000),
        help: "Open sessions of 2025 clients; beyond it new ones get 503",
      },
      {
        env: "MCP_SESSION_IDLE_MS",
        schema: (name) => wholeNumber(name, 100, 86_400_000).default(900_000),
        help: "A session unused this long is closed (its id then gets 404)",
      },
      {
        env: "MCP_SHUTDOWN_GRACE_MS",
        schema: (name) => wholeNumber(name, 0, 3_600_000).default(60_000),
        help: "How long running calls may finish after SIGTERM",
      },
    ],
  },
} as const satisfies Record<string, { title: string; settings: readonly Setting[] }>;

type SettingRow = (typeof SETTINGS_TABLE)[keyof typeof SETTINGS_TABLE]["settings"][number];

/** Every setting, in --help order. */
export const SETTINGS: readonly Setting[] = Object.values(SETTINGS_TABLE).flatMap<Setting>(
  ({ settings }) => settings,
);

/** Each variable's own schema, so that loadConfig's result is typed per variable. */
type RawShape = { [Row in SettingRow as Row["env"]]: ReturnType<Row["schema"]> };

const rawSchema = z.object(
  Object.fromEntries(SETTINGS.map((setting) => [setting.env, setting.schema(setting.env)])) as RawShape,
);

/** Boolean settings take a bare flag (`--read-only`); their variable takes true or false. */
const takesNoValue = (setting: Setting) => setting.schema === booleanSetting;

/** Parses argv (without node and script) and the environment into what the CLI should do. */
export function parseCli(argv: string[], env: Env): CliAction {
  const options: Record<string, { type: "string" | "boolean"; short?: string }> = {
    help: { type: "boolean", short: "h" },
    version: { type: "boolean", short: "v" },
  };
  for (const setting of SETTINGS) {
    if (setting.flag) options[setting.flag] = { type: takesNoValue(setting) ? "boolean" : "string" };
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
  const flagWidth = Math.max(...SETTINGS.map((setting) => flagName(setting).length));
  const envWidth = Math.max(...SETTINGS.map((setting) => setting.env.length));
  const line = (setting: Setting) => {
    const text = [plainText(setting.help), shownDefault(setting, (value) => `(default ${value})`)];
    return `  ${flagName(setting).padEnd(flagWidth)}  ${setting.env.padEnd(envWidth)}  ${text.filter(Boolean).join(" ")}`;
  };
  return [
    `jenkins-mcp ${version}: an MCP server for Jenkins`,
    "",
    "Usage: jenkins-mcp [options]      (settings come from flags or environment variables)",
    "       jenkins-mcp --help | --version",
    "",
    ...Object.values(SETTINGS_TABLE).flatMap(({ title, settings }) => [title, ...settings.map(line), ""]),
  ].join("\n");
}

/**
 * Rewrites the text between each `<!-- settings:GROUP -->` and `<!-- /settings:GROUP -->` of a
 * markdown document (README.md) with the table of that group's settings.
 */
export function withSettingsTables(markdown: string): string {
  let result = markdown;
  for (const [group, { settings }] of Object.entries(SETTINGS_TABLE)) {
    result = fillBlock(result, `settings:${group}`, markdownTable(settings));
  }
  return result;
}

function markdownTable(settings: readonly Setting[]): string {
  const rows = settings.map((setting) => [
    `\`${setting.env}\``,
    setting.flag ? `\`${flagName(setting)}\`` : "",
    shownDefault(setting, (value) => `\`${value}\``),
    setting.help,
  ]);
  return table(["Variable", "Flag", "Default", "Meaning"], rows);
}

function flagName(setting: Setting): string {
  return setting.flag ? `--${setting.flag}` : "";
}

/** The row's words in parentheses, else the schema's value for an unset variable through `format`, else "". */
function shownDefault(setting: Setting, format: (value: string) => string): string {
  if (setting.whenUnset) return `(${setting.whenUnset})`;
  const unset = setting.schema(setting.env).safeParse(undefined);
  // A list shows as its variable is written: the empty one as nothing.
  const value = unset.success && unset.data !== undefined ? String(unset.data) : "";
  return value && format(value);
}

/** Markdown as the terminal shows it: code without backticks, links to README sections by name. */
function plainText(markdown: string): string {
  return markdown.replaceAll("`", "").replace(/\[([^\]]*)\]\(#[^)]*\)/g, '"$1" in the README');
}

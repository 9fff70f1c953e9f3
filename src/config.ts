import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { RedisRateStoreConfig } from "./guard/redis-rate.js";
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

/** How to reach a Jenkins: from JENKINS_TIMEOUT_MS and the others, or a controllers file entry. */
interface ConnectionConfig {
  timeoutMs: number;
  caFile?: string;
  tlsInsecure: boolean;
  proxy: ProxyConfig;
}

/** How this server spares the Jenkins controller (src/jenkins/budget.ts, sharing.ts). */
interface TrafficConfig {
  /** Identical reads under way at once are sent once; off only to measure or to rule it out. */
  shareReads: boolean;
  maxConcurrent: number;
  maxWaiting: number;
  /** How long a reusable read's answer serves identical reads; 0: only reads under way are shared. */
  reuseMs: number;
}

export interface JenkinsConfig extends ConnectionConfig {
  /** Base URL with a trailing slash, path prefix kept (`https://ci.example.com/jenkins/`). */
  url: string;
  auth: JenkinsAuth;
}

export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

type TransportKind = "stdio" | "http";

/** A client allowed on the HTTP transport: its name is its identity in logs, audit and policy. */
export interface HttpClientToken {
  name: string;
  token: string;
}

/** OAuth 2.1 resource server mode (issue #17): access tokens from the identity provider(s). */
export interface OAuthConfig {
  /** Authorization servers whose tokens are accepted, exactly as their tokens' `iss` says. */
  issuers: readonly string[];
  /** This server's resource URI (RFC 8707), the URL clients use; undefined: the listener's own (loopback only). */
  resource?: string;
  /** Accepted `aud` values; undefined: the resource URI alone. */
  audiences?: readonly string[];
  /** Scope `<prefix><action>` grants a policy action (`jenkins:trigger`). */
  scopePrefix: string;
  /** The claim naming the person: policies know them as `user:<value>`. */
  userClaim: string;
  /** The claim listing their groups: policies know them as `group:<value>`. */
  groupsClaim: string;
  algorithms: readonly string[];
  clockSkewSeconds: number;
  /** RFC 7662 introspection of opaque tokens at the first issuer, with these client credentials. */
  introspection?: { clientId: string; clientSecret: string };
}

export interface HttpConfig {
  host: string;
  port: number;
  /** No sessions for any client: every request is served on its own (for load-balanced instances). */
  stateless: boolean;
  /** Empty: no authentication (allowed on loopback, or with allowUnauthenticated). */
  tokens: readonly HttpClientToken[];
  allowUnauthenticated: boolean;
  /** Access tokens from an identity provider, beside or instead of the static tokens. */
  oauth?: OAuthConfig;
  /** Exact origins (`https://chat.example.com`); undefined: localhost origins on a loopback bind, none otherwise. */
  allowedOrigins?: readonly string[];
  /** Host header names without port; undefined: localhost names on a loopback bind, any otherwise. */
  allowedHosts?: readonly string[];
  maxBodyBytes: number;
  requestTimeoutMs: number;
  maxSessions: number;
  sessionIdleMs: number;
  shutdownGraceMs: number;
  /** After SIGTERM, not ready but still serving for this long, before the port closes. */
  shutdownDelayMs: number;
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
  /** Trigger rate caps shared by every instance; unset: each instance counts its own. */
  rateStore?: RedisRateStoreConfig;
}

export interface Config {
  /** The one Jenkins of JENKINS_URL; absent when a controllers file names them. */
  jenkins?: JenkinsConfig;
  /** A YAML file naming several Jenkins controllers (read by loadControllers when the app is made). */
  controllersFile?: string;
  /** The connection settings of JENKINS_URL, and the defaults of the controllers file's entries. */
  connection: ConnectionConfig;
  traffic: TrafficConfig;
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

export const httpUrl = (name: string) =>
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

/** Signature algorithms an access token may use: asymmetric only, so `none` and shared secrets never pass. */
const TOKEN_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
];

/** An absolute http(s) URL without fragment or query, kept as written (issuers and resource URIs compare as strings). */
const exactUrl = (name: string) =>
  z.string().transform((value, ctx) => {
    let parsed: URL | undefined;
    try {
      parsed = new URL(value);
    } catch {}
    if (
      !parsed ||
      !/^https?:$/.test(parsed.protocol) ||
      parsed.hash ||
      parsed.search ||
      value.includes("#")
    ) {
      ctx.addIssue({
        code: "custom",
        message: `${name}: "${value}" is not an http(s) URL without query or fragment, like https://login.example.com/realms/ci`,
      });
      return z.NEVER;
    }
    return value;
  });

const claimName = (name: string, fallback: string) =>
  z
    .string()
    .trim()
    .regex(/^[^\s]{1,200}$/, `${name} is a claim name without spaces`)
    .default(fallback);

/** A Redis URL; the password comes from MCP_REDIS_PASSWORD(_FILE), never the URL (logs, process lists). */
const redisUrl = (name: string) =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      let parsed: URL | undefined;
      try {
        parsed = new URL(value);
      } catch {}
      if (!parsed || (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") || !parsed.hostname) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must be like redis://host:6379/0 or rediss://host:6380`,
        });
        return z.NEVER;
      }
      if (parsed.password) {
        ctx.addIssue({
          code: "custom",
          message: `${name} must not contain a password; use MCP_REDIS_PASSWORD_FILE`,
        });
        return z.NEVER;
      }
      return value;
    })
    .optional();

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
        schema: (name) => httpUrl(name).optional(),
        whenUnset: "required",
        help: "Jenkins base URL, `http` or `https`; may include a path prefix such as `https://ci.example.com/jenkins/`. Not with `--controllers`",
      },
      {
        env: "JENKINS_MCP_CONTROLLERS",
        flag: "controllers",
        schema: trimmedText,
        help: "Several Jenkins controllers: a YAML file naming each with its URL and credentials, instead of `JENKINS_URL` and its user and token; see [Several controllers](#several-jenkins-controllers)",
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
        env: "JENKINS_MAX_CONCURRENT",
        schema: (name) => wholeNumber(name, 1, 1000).default(16),
        help: "Jenkins requests under way at once, all clients and identities together; more wait their turn, client by client",
      },
      {
        env: "JENKINS_MAX_WAITING",
        schema: (name) => wholeNumber(name, 0, 100_000).default(200),
        help: 'Jenkins requests that may wait for their turn; beyond, a call fails at once with "Jenkins is busy … retry in about N s"',
      },
      {
        env: "JENKINS_SHARE_READS",
        schema: (name) => booleanSetting(name).default(true),
        help: "Send identical Jenkins reads under way at the same time once and share the answer, per Jenkins identity (`false`: each call sends its own)",
      },
      {
        env: "JENKINS_READ_REUSE_MS",
        schema: (name) => wholeNumber(name, 0, 60_000).default(2000),
        help: "How long a read of a job, a folder or a finished build answers identical reads of the same identity (0: never). Running builds and logs are always read afresh; any write clears it",
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
      {
        env: "MCP_SHUTDOWN_DELAY_MS",
        schema: (name) => wholeNumber(name, 0, 600_000).default(0),
        help: "After SIGTERM, `/readyz` answers 503 this long while calls are still taken, so a load balancer stops sending new ones before the port closes; set it above the balancer's time to notice",
      },
      {
        env: "MCP_REDIS_URL",
        schema: redisUrl,
        whenUnset: "each instance counts its own",
        help: "Redis that keeps policy trigger rate caps for every instance (`redis://host:6379/0`, `rediss://` for TLS); when it cannot be reached, capped triggers are refused",
      },
      {
        env: "MCP_REDIS_PASSWORD",
        schema: verbatimText,
        help: "Password of that Redis (or of the user named in its URL)",
      },
      { env: "MCP_REDIS_PASSWORD_FILE", schema: trimmedText, help: "File holding that password" },
      {
        env: "MCP_REDIS_CA_FILE",
        schema: trimmedText,
        help: "Extra CA certificates (PEM) to trust for a `rediss://` Redis",
      },
    ],
  },
  // OAuth 2.1 resource server mode (issue #17); see docs/oauth.md.
  oauth: {
    title: "Signing in with an identity provider (OAuth, over HTTP):",
    settings: [
      {
        env: "MCP_OAUTH_ISSUER",
        schema: (name) =>
          commaList()
            .pipe(z.array(exactUrl(name)))
            .optional(),
        whenUnset: "off",
        help: "Accept access tokens from this authorization server (its issuer URL exactly as tokens carry it; comma-separated for several). Static tokens keep working beside it",
      },
      {
        env: "MCP_OAUTH_RESOURCE",
        schema: (name) => exactUrl(name).optional(),
        whenUnset: "the listener's URL, loopback only",
        help: "This server's URL as clients reach it (`https://mcp.example.com/mcp`): the resource tokens must be issued for",
      },
      {
        env: "MCP_OAUTH_AUDIENCE",
        schema: () => commaList().optional(),
        whenUnset: "the resource URL",
        help: "Accepted `aud` values, comma-separated, for providers that cannot put the resource URL there",
      },
      {
        env: "MCP_OAUTH_SCOPE_PREFIX",
        schema: (name) =>
          z
            .string()
            .regex(/^[!#-[\]-~]{0,100}$/, `${name} holds no spaces, quotes or backslashes`)
            .default("jenkins:"),
        help: "Scopes are this prefix and a policy action: `jenkins:read`, `jenkins:trigger`, `jenkins:cancel`, `jenkins:create`, `jenkins:configure`, `jenkins:replay`",
      },
      {
        env: "MCP_OAUTH_USER_CLAIM",
        schema: (name) => claimName(name, "sub"),
        help: "The claim naming the person; policies name them `user:<value>`",
      },
      {
        env: "MCP_OAUTH_GROUPS_CLAIM",
        schema: (name) => claimName(name, "groups"),
        help: "The claim listing their groups (a dotted path reaches into objects); policies name them `group:<value>`",
      },
      {
        env: "MCP_OAUTH_ALGORITHMS",
        schema: (name) =>
          commaList()
            .pipe(
              z
                .array(
                  z.enum(TOKEN_ALGORITHMS, {
                    error: `${name} takes ${TOKEN_ALGORITHMS.join(", ")} (never none or a shared secret)`,
                  }),
                )
                .min(1, `${name} must name at least one algorithm`),
            )
            .default(TOKEN_ALGORITHMS),
        help: "Signature algorithms accepted on access tokens, comma-separated",
      },
      {
        env: "MCP_OAUTH_CLOCK_SKEW_S",
        schema: (name) => wholeNumber(name, 0, 300).default(30),
        help: "Seconds of clock difference allowed on `exp` and `nbf`",
      },
      {
        env: "MCP_OAUTH_INTROSPECTION_CLIENT_ID",
        schema: trimmedText,
        whenUnset: "JWTs only",
        help: "Check opaque (non-JWT) tokens by RFC 7662 introspection at the first issuer, as this client",
      },
      {
        env: "MCP_OAUTH_INTROSPECTION_SECRET",
        schema: verbatimText,
        help: "That client's secret (or `MCP_OAUTH_INTROSPECTION_SECRET_FILE`)",
      },
      { env: "MCP_OAUTH_INTROSPECTION_SECRET_FILE", schema: trimmedText, help: "File holding that secret" },
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
  const connection: ConnectionConfig = {
    timeoutMs: raw.JENKINS_TIMEOUT_MS,
    ...(caFile ? { caFile } : {}),
    tlsInsecure: raw.JENKINS_TLS_INSECURE,
    proxy: dropUndefined({ httpProxy: raw.HTTP_PROXY, httpsProxy: raw.HTTPS_PROXY, noProxy: raw.NO_PROXY }),
  };
  return {
    ...jenkinsSource(raw, connection),
    connection,
    traffic: {
      shareReads: raw.JENKINS_SHARE_READS,
      maxConcurrent: raw.JENKINS_MAX_CONCURRENT,
      maxWaiting: raw.JENKINS_MAX_WAITING,
      reuseMs: raw.JENKINS_READ_REUSE_MS,
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
    guard: dropUndefined({
      policyFile: raw.JENKINS_MCP_POLICY,
      auditLog: raw.JENKINS_MCP_AUDIT_LOG,
      rateStore: rateStore(raw),
    }),
  };
}

/** JENKINS_URL with its user and secret, or a controllers file: exactly one of the two. */
function jenkinsSource(
  raw: z.output<typeof rawSchema>,
  connection: ConnectionConfig,
): Pick<Config, "jenkins" | "controllersFile"> {
  const auth = resolveAuth(raw.JENKINS_USER, raw.JENKINS_API_TOKEN, raw.JENKINS_PASSWORD);
  if (raw.JENKINS_MCP_CONTROLLERS) {
    if (raw.JENKINS_URL || auth.kind !== "anonymous") {
      throw new ConfigError(
        "Set either JENKINS_URL (with JENKINS_USER and its token) or JENKINS_MCP_CONTROLLERS, not both: the controllers file names each controller's URL and credentials",
      );
    }
    return { controllersFile: raw.JENKINS_MCP_CONTROLLERS };
  }
  if (!raw.JENKINS_URL) {
    throw new ConfigError(
      "JENKINS_URL is required: set it to your Jenkins URL, e.g. https://ci.example.com/ (or JENKINS_MCP_CONTROLLERS to a file naming several controllers)",
    );
  }
  return { jenkins: { url: raw.JENKINS_URL, auth, ...connection } };
}

function httpConfig(raw: z.output<typeof rawSchema>): HttpConfig {
  const config: HttpConfig = {
    host: raw.MCP_HOST,
    port: raw.MCP_PORT,
    stateless: raw.MCP_STATELESS,
    tokens: clientTokens(raw.MCP_AUTH_TOKEN, raw.MCP_AUTH_TOKENS_FILE),
    allowUnauthenticated: raw.MCP_ALLOW_UNAUTHENTICATED,
    ...dropUndefined({ oauth: oauthConfig(raw) }),
    ...(raw.MCP_ALLOWED_ORIGINS ? { allowedOrigins: raw.MCP_ALLOWED_ORIGINS } : {}),
    ...(raw.MCP_ALLOWED_HOSTS ? { allowedHosts: raw.MCP_ALLOWED_HOSTS } : {}),
    maxBodyBytes: raw.MCP_MAX_BODY_BYTES,
    requestTimeoutMs: raw.MCP_REQUEST_TIMEOUT_MS,
    maxSessions: raw.MCP_MAX_SESSIONS,
    sessionIdleMs: raw.MCP_SESSION_IDLE_MS,
    shutdownGraceMs: raw.MCP_SHUTDOWN_GRACE_MS,
    shutdownDelayMs: raw.MCP_SHUTDOWN_DELAY_MS,
  };
  const authenticated = config.tokens.length > 0 || config.oauth !== undefined;
  if (raw.MCP_TRANSPORT === "http" && !authenticated && !config.allowUnauthenticated) {
    if (!isLoopbackHost(config.host)) {
      throw new ConfigError(
        `MCP_HOST ${config.host} is not a loopback address: set MCP_AUTH_TOKEN, MCP_AUTH_TOKENS_FILE or MCP_OAUTH_ISSUER, or pass --allow-unauthenticated to let anyone who reaches the port act as the Jenkins user`,
      );
    }
  }
  if (config.oauth && !config.oauth.resource && !isLoopbackHost(config.host)) {
    throw new ConfigError(
      `MCP_OAUTH_RESOURCE is required when MCP_HOST ${config.host} is not a loopback address: set it to the URL clients use, e.g. https://mcp.example.com/mcp`,
    );
  }
  return config;
}

function oauthConfig(raw: z.output<typeof rawSchema>): OAuthConfig | undefined {
  const issuers = raw.MCP_OAUTH_ISSUER;
  const introspectionId = raw.MCP_OAUTH_INTROSPECTION_CLIENT_ID;
  const introspectionSecret = raw.MCP_OAUTH_INTROSPECTION_SECRET;
  if (!issuers?.length) {
    const stray = Object.keys(raw).find(
      (name) =>
        name.startsWith("MCP_OAUTH_") &&
        raw[name as keyof typeof raw] !== undefined &&
        !OAUTH_DEFAULTED.has(name),
    );
    if (stray)
      throw new ConfigError(`${stray} is set but MCP_OAUTH_ISSUER is not: name the identity provider too`);
    return undefined;
  }
  if ((introspectionId === undefined) !== (introspectionSecret === undefined)) {
    throw new ConfigError(
      "Set both MCP_OAUTH_INTROSPECTION_CLIENT_ID and MCP_OAUTH_INTROSPECTION_SECRET (or its _FILE), or neither",
    );
  }
  return dropUndefined({
    issuers,
    resource: raw.MCP_OAUTH_RESOURCE,
    audiences: raw.MCP_OAUTH_AUDIENCE?.length ? raw.MCP_OAUTH_AUDIENCE : undefined,
    scopePrefix: raw.MCP_OAUTH_SCOPE_PREFIX,
    userClaim: raw.MCP_OAUTH_USER_CLAIM,
    groupsClaim: raw.MCP_OAUTH_GROUPS_CLAIM,
    algorithms: raw.MCP_OAUTH_ALGORITHMS,
    clockSkewSeconds: raw.MCP_OAUTH_CLOCK_SKEW_S,
    introspection:
      introspectionId && introspectionSecret
        ? { clientId: introspectionId, clientSecret: introspectionSecret }
        : undefined,
  });
}

/** OAuth settings whose schema gives a value when unset: only the others say someone meant OAuth. */
const OAUTH_DEFAULTED = new Set([
  "MCP_OAUTH_SCOPE_PREFIX",
  "MCP_OAUTH_USER_CLAIM",
  "MCP_OAUTH_GROUPS_CLAIM",
  "MCP_OAUTH_ALGORITHMS",
  "MCP_OAUTH_CLOCK_SKEW_S",
]);

function rateStore(raw: z.output<typeof rawSchema>): RedisRateStoreConfig | undefined {
  if (!raw.MCP_REDIS_URL) {
    for (const name of ["MCP_REDIS_PASSWORD", "MCP_REDIS_CA_FILE"] as const) {
      if (raw[name]) throw new ConfigError(`${name} is set but MCP_REDIS_URL is not`);
    }
    return undefined;
  }
  const caFile = raw.MCP_REDIS_CA_FILE;
  if (caFile) readSecretFile("MCP_REDIS_CA_FILE", caFile);
  return dropUndefined({ url: raw.MCP_REDIS_URL, password: raw.MCP_REDIS_PASSWORD, caFile });
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
  for (const name of [
    "JENKINS_API_TOKEN",
    "JENKINS_PASSWORD",
    "MCP_OAUTH_INTROSPECTION_SECRET",
    "MCP_REDIS_PASSWORD",
  ]) {
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

export function dropUndefined<T extends object>(value: T): T {
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

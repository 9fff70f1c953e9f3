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

export interface Config {
  jenkins: JenkinsConfig;
  logLevel: LogLevel;
  logFile?: string;
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
  };
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

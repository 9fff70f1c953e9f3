import { z } from "zod";
import {
  type Config,
  ConfigError,
  dropUndefined,
  httpUrl,
  type JenkinsAuth,
  type JenkinsConfig,
} from "./config.js";
import { parseYamlFile, readSettingsFile } from "./yaml.js";

/** One Jenkins controller the server talks to, under the name tools, policies and URIs use. */
export interface ControllerConfig extends JenkinsConfig {
  name: string;
}

/** Calls that span every controller (searchJobs, getQueue): how many at once, and how long each may take. */
export interface FanOut {
  concurrency: number;
  timeoutMs: number;
}

export interface Controllers {
  list: readonly ControllerConfig[];
  fanOut: FanOut;
}

/** The controller of JENKINS_URL, when no controllers file is given. */
const DEFAULT_CONTROLLER = "default";

/**
 * A controller name: short, lowercase, and free of the `:` that separates it from a job name in
 * `prod:team/api` (Jenkins refuses `:` in item names, Jenkins.checkGoodName, so the two never mix).
 */
const CONTROLLER_NAME = /^[a-z][a-z0-9-]{0,31}$/;

/** Where a secret is: a file or an environment variable. Written in the file itself, it is refused. */
const secretSource = <Kind extends "token" | "password">(kind: Kind) =>
  ({
    [kind]: z
      .never({
        error: `secrets are not written in the controllers file (it ends up in backups and diffs): use ${kind}File or ${kind}Env to say where the ${kind} is`,
      })
      .optional(),
    [`${kind}File`]: z.string().trim().min(1).optional(),
    [`${kind}Env`]: z.string().trim().min(1).optional(),
  }) as Record<Kind, z.ZodOptional<z.ZodNever>> &
    Record<`${Kind}File` | `${Kind}Env`, z.ZodOptional<z.ZodString>>;

const controllerSchema = z
  .object({
    name: z
      .string({ error: "every controller needs a name" })
      .regex(
        CONTROLLER_NAME,
        "a controller name is a lowercase letter, then lowercase letters, digits or - (at most 32)",
      ),
    url: httpUrl("url"),
    user: z.string().trim().min(1).optional(),
    ...secretSource("token"),
    ...secretSource("password"),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(600_000, "timeoutMs must be at most 600000 (10 minutes)")
      .optional(),
    caFile: z.string().trim().min(1).optional(),
    tlsInsecure: z.boolean().optional(),
    proxy: z
      .object({
        httpsProxy: httpUrl("proxy.httpsProxy").optional(),
        httpProxy: httpUrl("proxy.httpProxy").optional(),
        noProxy: z.string().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

const fileSchema = z
  .object({
    version: z.literal(1, { error: "version must be 1" }).default(1),
    controllers: z.array(controllerSchema).min(1, "controllers must name at least one Jenkins controller"),
    fanOut: z
      .object({
        concurrency: z.number().int().min(1).max(32).default(4),
        timeoutMs: z.number().int().min(100).max(600_000).default(10_000),
      })
      .strict()
      .default({ concurrency: 4, timeoutMs: 10_000 }),
  })
  .strict();

type ControllerEntry = z.output<typeof controllerSchema>;

/**
 * The controllers to serve: the one of JENKINS_URL, or those of the controllers file, whose secrets
 * are read here (files, or variables of `env`), so that a mistake stops the server at start.
 */
export function loadControllers(config: Config, env: Record<string, string | undefined>): Controllers {
  if (!config.controllersFile) {
    if (!config.jenkins) throw new ConfigError("JENKINS_URL is required: set it to your Jenkins URL");
    return {
      list: [{ name: DEFAULT_CONTROLLER, ...config.jenkins }],
      fanOut: { concurrency: 1, timeoutMs: 10_000 },
    };
  }
  const source = config.controllersFile;
  return parseControllers(readSettingsFile("JENKINS_MCP_CONTROLLERS", source), source, config, env);
}

export function parseControllers(
  text: string,
  source: string,
  defaults: Pick<Config, "connection">,
  env: Record<string, string | undefined>,
): Controllers {
  const file = parseYamlFile(text, source, fileSchema);
  const seen = new Set<string>();
  const list = file.data.controllers.map((entry, index) => {
    const at = (key: string) => file.at(["controllers", index, key]);
    if (seen.has(entry.name))
      throw new ConfigError(`${at("name")}: controller "${entry.name}" is named twice`);
    seen.add(entry.name);
    const connection = defaults.connection;
    const caFile = entry.caFile ?? connection.caFile;
    if (caFile) readSettingsFile(`${at("caFile")}: caFile`, caFile);
    return {
      name: entry.name,
      url: entry.url,
      auth: controllerAuth(entry, env, at),
      timeoutMs: entry.timeoutMs ?? connection.timeoutMs,
      ...(caFile ? { caFile } : {}),
      tlsInsecure: entry.tlsInsecure ?? connection.tlsInsecure,
      proxy: entry.proxy ? dropUndefined(entry.proxy) : connection.proxy,
    };
  });
  return { list, fanOut: file.data.fanOut };
}

function controllerAuth(
  entry: ControllerEntry,
  env: Record<string, string | undefined>,
  at: (key: string) => string,
): JenkinsAuth {
  const token = secret(entry, "token", env, at);
  const password = secret(entry, "password", env, at);
  const where = `controller "${entry.name}"`;
  if (token !== undefined && password !== undefined) {
    throw new ConfigError(`${at("user")}: ${where} has both a token and a password; keep the API token`);
  }
  if (!entry.user) {
    if (token !== undefined || password !== undefined)
      throw new ConfigError(`${at("name")}: ${where} has a secret but no user`);
    return { kind: "anonymous" };
  }
  if (token !== undefined) return { kind: "apiToken", user: entry.user, token };
  if (password !== undefined) return { kind: "password", user: entry.user, password };
  throw new ConfigError(
    `${at("user")}: ${where} names user ${entry.user} but no secret: add tokenFile or tokenEnv (an API token of that user)`,
  );
}

/** The secret `kind` from its file or variable; undefined when the entry names neither. */
function secret(
  entry: ControllerEntry,
  kind: "token" | "password",
  env: Record<string, string | undefined>,
  at: (key: string) => string,
): string | undefined {
  const file = entry[`${kind}File`];
  const variable = entry[`${kind}Env`];
  if (file && variable)
    throw new ConfigError(`${at(`${kind}File`)}: give ${kind}File or ${kind}Env, not both`);
  if (file) {
    const value = readSettingsFile(`${at(`${kind}File`)}: ${kind}File`, file).trim();
    if (!value) throw new ConfigError(`${at(`${kind}File`)}: ${kind}File ${file} is empty`);
    return value;
  }
  if (variable) {
    const value = env[variable]?.trim();
    if (!value) throw new ConfigError(`${at(`${kind}Env`)}: ${kind}Env names ${variable}, which is not set`);
    return value;
  }
  return undefined;
}

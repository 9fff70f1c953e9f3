import { z } from "zod";
import { ConfigError } from "../config.js";
import { parseYamlFile, readSettingsFile, type YamlFile } from "../yaml.js";
import { JobGlob, someNameInside } from "./globs.js";
import { type Identity, namedClient, namesOf } from "./identity.js";

/** What a tool call does to Jenkins, as policies name it. */
export const ACTIONS = ["read", "trigger", "cancel", "create", "configure", "replay"] as const;
export type Action = (typeof ACTIONS)[number];

/**
 * Actions that run code the person has not seen in Jenkins (a replayed pipeline script): refused
 * unless a policy rule allows them, even without a policy, and always put to the person.
 */
export const GUARDED_ACTIONS: readonly Action[] = ["replay"];

/** The client of a stdio server: there is exactly one, the process that started it. */
export const STDIO_CLIENT = "stdio";

const actionList = z.array(z.enum(ACTIONS, { error: `actions are ${ACTIONS.join(", ")}` }));

const actAsSchema = z
  .object({
    user: z.string().min(1, "actAs.user must not be empty"),
    tokenFile: z.string().min(1).optional(),
    tokenEnv: z.string().min(1).optional(),
  })
  .strict()
  .refine((actAs) => (actAs.tokenFile === undefined) !== (actAs.tokenEnv === undefined), {
    message: "actAs needs exactly one of tokenFile or tokenEnv, naming where that user's API token is",
  });

const ruleSchema = z
  .object({
    name: z.string().min(1, "every rule needs a name (it is quoted when the rule refuses a call)"),
    clients: z
      .array(z.string().min(1))
      .min(1, 'clients must list at least one client name, "user:<id>", "group:<name>", or "*"'),
    jobs: z.array(z.string().min(1)).min(1, 'jobs must list at least one glob, e.g. "team/**"'),
    /** The controllers the rule speaks of (names from the controllers file); every one when absent. */
    controllers: z
      .array(z.string().min(1))
      .min(1, "controllers must list at least one controller name, or be left out for all")
      .optional(),
    allow: actionList.default([]),
    deny: actionList.default([]),
    confirm: actionList.default([]),
    triggersPerMinute: z
      .number()
      .int()
      .positive("triggersPerMinute must be a whole number above 0")
      .optional(),
    actAs: actAsSchema.optional(),
  })
  .strict();

const policySchema = z
  .object({
    version: z.literal(1, { error: "version must be 1" }).default(1),
    /** Confirmation asked of a client that cannot show it: refuse the call (default) or allow it. */
    unconfirmable: z
      .enum(["refuse", "allow"], { error: "unconfirmable is refuse or allow" })
      .default("refuse"),
    maskPatterns: z.array(z.string()).default([]),
    rules: z.array(ruleSchema).min(1, "rules must hold at least one rule: without one every call is refused"),
  })
  .strict();

export type PolicyFile = z.infer<typeof policySchema>;
export type PolicyRule = z.infer<typeof ruleSchema>;

interface CompiledRule extends PolicyRule {
  globs: JobGlob[];
}

export type Decision =
  | { allowed: true; rule: string; confirm: boolean; triggersPerMinute?: number | undefined }
  | { allowed: false; rule: string | null; reason: string };

/**
 * Who may do what to which jobs. Deny by default: the first rule that names the client and the job
 * decides, by its deny list first, then its allow list.
 */
export class Policy {
  private readonly rules: CompiledRule[];
  readonly unconfirmable: "refuse" | "allow";
  readonly maskPatterns: RegExp[];

  constructor(
    private readonly file: PolicyFile,
    /** The controller this policy decides for: only its rules apply; refusals name it when `named`. */
    private readonly scope?: { controller: string; named: boolean },
  ) {
    const controller = scope?.controller;
    this.rules = file.rules
      .filter((rule) => !controller || !rule.controllers || rule.controllers.includes(controller))
      .map((rule) => ({ ...rule, globs: rule.jobs.map((glob) => new JobGlob(glob)) }));
    this.unconfirmable = file.unconfirmable;
    this.maskPatterns = file.maskPatterns.map((pattern) => new RegExp(pattern, "g"));
  }

  /**
   * The policy of one controller: its rules in their order (first match still wins), so that each
   * controller's jobs are decided on that controller's names alone.
   */
  forController(controller: string, named = true): Policy {
    return new Policy(this.file, { controller, named });
  }

  /** Controller names the rules use, to check against the configured ones at start. */
  controllerNames(): string[] {
    return [...new Set(this.file.rules.flatMap((rule) => rule.controllers ?? []))];
  }

  /** The job as refusals name it: with its controller's name when the policy has one. */
  private named(jobFullName: string): string {
    return this.scope?.named ? `${jobFullName} on controller ${this.scope.controller}` : jobFullName;
  }

  /** A client given by name alone is one without groups (a static token's, stdio's). */
  decide(caller: Identity | string, action: Action, jobFullName: string): Decision {
    const client = identity(caller);
    for (const rule of this.rules) {
      if (!namesClient(rule, client) || !rule.globs.some((glob) => glob.matches(jobFullName))) continue;
      if (rule.deny.includes(action)) {
        return {
          allowed: false,
          rule: rule.name,
          reason: `rule "${rule.name}" denies ${action} on ${this.named(jobFullName)}`,
        };
      }
      if (rule.allow.includes(action)) {
        return {
          allowed: true,
          rule: rule.name,
          confirm: rule.confirm.includes(action) || GUARDED_ACTIONS.includes(action),
          triggersPerMinute: action === "trigger" ? rule.triggersPerMinute : undefined,
        };
      }
    }
    return {
      allowed: false,
      rule: null,
      reason: `no policy rule allows client "${client.name}" to ${action} ${this.named(jobFullName)} (the policy denies by default)`,
    };
  }

  /**
   * Whether a listing may show an item: the client may read it, or it is a folder holding some name
   * the client may read under the first-match rules (so an earlier deny rule hides what a later
   * broad allow would otherwise show).
   */
  mayList(caller: Identity | string, fullName: string, container: boolean): boolean {
    const client = identity(caller);
    if (this.decide(client, "read", fullName).allowed) return true;
    return container && this.mayReadInside(client, fullName);
  }

  private mayReadInside(client: Identity, folder: string): boolean {
    const denied: JobGlob[] = [];
    for (const rule of this.rules) {
      if (!namesClient(rule, client)) continue;
      if (rule.deny.includes("read")) denied.push(...rule.globs);
      else if (rule.allow.includes("read") && someNameInside(folder, rule.globs, denied)) return true;
    }
    return false;
  }

  clientsWithIdentity(): Array<{ client: string; actAs: NonNullable<PolicyRule["actAs"]> }> {
    return this.rules.flatMap(({ actAs, clients }) =>
      actAs ? clients.filter((client) => client !== "*").map((client) => ({ client, actAs })) : [],
    );
  }
}

/** A rule names a client by its name, by one of its groups, or by "*". */
function namesClient(rule: PolicyRule, client: Identity): boolean {
  return rule.clients.includes("*") || namesOf(client).some((name) => rule.clients.includes(name));
}

function identity(caller: Identity | string): Identity {
  return typeof caller === "string" ? namedClient(caller) : caller;
}

/** Reads a YAML or JSON policy file; every mistake is reported with its line. */
export function loadPolicy(path: string): Policy {
  return parsePolicy(readSettingsFile("--policy", path), path);
}

export function parsePolicy(text: string, source = "policy"): Policy {
  const file = parseYamlFile(text, source, policySchema);
  checkRules(file);
  return new Policy(file.data);
}

function checkRules({ data, at }: YamlFile<PolicyFile>) {
  data.rules.forEach((rule, index) => {
    const unconfirmable = rule.confirm.filter((action) => !rule.allow.includes(action));
    if (unconfirmable.length > 0) {
      throw new ConfigError(
        `${at(["rules", index, "confirm"])}: rule "${rule.name}" confirms ${unconfirmable.join(", ")} without allowing it`,
      );
    }
    rule.jobs.forEach((glob, globIndex) => {
      try {
        new JobGlob(glob);
      } catch (error) {
        throw new ConfigError(`${at(["rules", index, "jobs", globIndex])}: ${(error as Error).message}`);
      }
    });
  });
  data.maskPatterns.forEach((pattern, index) => {
    try {
      new RegExp(pattern, "g");
    } catch {
      throw new ConfigError(
        `${at(["maskPatterns", index])}: maskPatterns entry is not a valid regular expression: ${pattern}`,
      );
    }
  });
}

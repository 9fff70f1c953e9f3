import { readFileSync } from "node:fs";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { z } from "zod";
import { ConfigError } from "../config.js";
import { JobGlob, someNameInside } from "./globs.js";

/** What a tool call does to Jenkins, as policies name it. */
const ACTIONS = ["read", "trigger", "cancel", "create", "configure", "replay"] as const;
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
    clients: z.array(z.string().min(1)).min(1, 'clients must list at least one client name, or "*"'),
    jobs: z.array(z.string().min(1)).min(1, 'jobs must list at least one glob, e.g. "team/**"'),
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

  constructor(file: PolicyFile) {
    this.rules = file.rules.map((rule) => ({ ...rule, globs: rule.jobs.map((glob) => new JobGlob(glob)) }));
    this.unconfirmable = file.unconfirmable;
    this.maskPatterns = file.maskPatterns.map((pattern) => new RegExp(pattern, "g"));
  }

  decide(client: string, action: Action, jobFullName: string): Decision {
    for (const rule of this.rules) {
      if (!namesClient(rule, client) || !rule.globs.some((glob) => glob.matches(jobFullName))) continue;
      if (rule.deny.includes(action)) {
        return {
          allowed: false,
          rule: rule.name,
          reason: `rule "${rule.name}" denies ${action} on ${jobFullName}`,
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
      reason: `no policy rule allows client "${client}" to ${action} ${jobFullName} (the policy denies by default)`,
    };
  }

  /**
   * Whether a listing may show an item: the client may read it, or it is a folder holding some name
   * the client may read under the first-match rules (so an earlier deny rule hides what a later
   * broad allow would otherwise show).
   */
  mayList(client: string, fullName: string, container: boolean): boolean {
    if (this.decide(client, "read", fullName).allowed) return true;
    return container && this.mayReadInside(client, fullName);
  }

  private mayReadInside(client: string, folder: string): boolean {
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

function namesClient(rule: PolicyRule, client: string): boolean {
  return rule.clients.includes("*") || rule.clients.includes(client);
}

/** Reads a YAML or JSON policy file; every mistake is reported with its line. */
export function loadPolicy(path: string): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `--policy names a file that cannot be read (${(error as NodeJS.ErrnoException).code}): ${path}`,
    );
  }
  return parsePolicy(text, path);
}

export function parsePolicy(text: string, source = "policy"): Policy {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const line = error ? lineCounter.linePos(error.pos[0]).line : 1;
    throw new ConfigError(
      `${source} line ${line}: not valid YAML or JSON (${error?.code ?? "syntax error"})`,
    );
  }
  const parsed = policySchema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      // An unknown key is reported at its own line, not at the start of the map it sits in.
      const path =
        issue.code === "unrecognized_keys" ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
      const line = lineOf(document, lineCounter, path);
      const where = path.length ? ` (${path.join(".")})` : "";
      return `${source} line ${line}${where}: ${issue.message}`;
    });
    throw new ConfigError(problems.join("; "));
  }
  checkRules(parsed.data, document, lineCounter, source);
  return new Policy(parsed.data);
}

function checkRules(
  file: PolicyFile,
  document: ReturnType<typeof parseDocument>,
  lines: LineCounter,
  source: string,
) {
  file.rules.forEach((rule, index) => {
    const at = (key: string) => `${source} line ${lineOf(document, lines, ["rules", index, key])}`;
    const unconfirmable = rule.confirm.filter((action) => !rule.allow.includes(action));
    if (unconfirmable.length > 0) {
      throw new ConfigError(
        `${at("confirm")}: rule "${rule.name}" confirms ${unconfirmable.join(", ")} without allowing it`,
      );
    }
    rule.jobs.forEach((glob, globIndex) => {
      try {
        new JobGlob(glob);
      } catch (error) {
        throw new ConfigError(
          `${source} line ${lineOf(document, lines, ["rules", index, "jobs", globIndex])}: ${(error as Error).message}`,
        );
      }
    });
  });
  file.maskPatterns.forEach((pattern, index) => {
    try {
      new RegExp(pattern, "g");
    } catch {
      throw new ConfigError(
        `${source} line ${lineOf(document, lines, ["maskPatterns", index])}: maskPatterns entry is not a valid regular expression: ${pattern}`,
      );
    }
  });
}

/**
 * The line of the deepest part of `path` that exists in the document: a map entry's own key (a
 * misspelt key is reported where it is written), or a list item.
 */
function lineOf(document: ReturnType<typeof parseDocument>, lines: LineCounter, path: PropertyKey[]): number {
  for (let depth = path.length; depth >= 1; depth--) {
    const parent = document.getIn(path.slice(0, depth - 1) as Array<string | number>, true);
    const key = path[depth - 1];
    const node = isMap(parent)
      ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key
      : isSeq(parent) && typeof key === "number"
        ? parent.items[key]
        : undefined;
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  const start = isMap(document.contents) ? document.contents.range?.[0] : undefined;
  return start === undefined ? 1 : lines.linePos(start).line;
}

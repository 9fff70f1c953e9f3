import { readFileSync } from "node:fs";
import { type Config, ConfigError } from "../config.js";
import type { ControllerConfig } from "../controllers.js";
import { HttpJenkinsClient } from "../jenkins/client.js";
import type { HttpObserver } from "../jenkins/http.js";
import { type AuditTrail, fileAuditTrail } from "./audit.js";
import { Guard } from "./guard.js";
import { loadPolicy, type Policy, type PolicyRule } from "./policy.js";

export interface Guardrails {
  guard: Guard;
  /** The Jenkins client a caller acts as on a controller: its own identity when the policy names one. */
  jenkinsFor: (client: string, controller: string) => HttpJenkinsClient;
  close(): Promise<void>;
}

/**
 * Builds the guardrails from the configuration, at start: a policy file with a mistake, or an
 * identity whose token cannot be read, stops the server before it serves anything.
 */
export function createGuardrails(
  config: Config,
  controllers: readonly ControllerConfig[],
  shared: ReadonlyMap<string, HttpJenkinsClient>,
  env: Record<string, string | undefined>,
  observerOf?: (controller: string) => HttpObserver,
): Guardrails {
  const policy = config.guard.policyFile ? loadPolicy(config.guard.policyFile) : undefined;
  if (policy) checkControllerNames(policy, controllers, config.guard.policyFile ?? "");
  const audit: AuditTrail | undefined = config.guard.auditLog
    ? fileAuditTrail(config.guard.auditLog)
    : undefined;
  // One client per identity and controller: each keeps its own pool and caches.
  const identities = new Map<string, HttpJenkinsClient>();
  const key = (client: string, controller: string) => `${controller}\u0000${client}`;
  for (const controller of controllers) {
    for (const { client, actAs } of policy?.forController(controller.name).clientsWithIdentity() ?? []) {
      if (identities.has(key(client, controller.name))) continue;
      const auth = { kind: "apiToken" as const, user: actAs.user, token: identityToken(client, actAs, env) };
      identities.set(
        key(client, controller.name),
        new HttpJenkinsClient({ ...controller, auth }, observerOf?.(controller.name)),
      );
    }
  }
  return {
    guard: new Guard(policy, audit),
    jenkinsFor(client, controller) {
      const jenkins = identities.get(key(client, controller)) ?? shared.get(controller);
      if (!jenkins) throw new Error(`No Jenkins client for controller ${controller}`);
      return jenkins;
    },
    async close() {
      audit?.flush();
      await Promise.all([...identities.values()].map((jenkins) => jenkins.close()));
    },
  };
}

/** A rule naming a controller the server does not have is a typo that would silently never match. */
function checkControllerNames(
  policy: Policy,
  controllers: readonly ControllerConfig[],
  source: string,
): void {
  const known = controllers.map((controller) => controller.name);
  const unknown = policy.controllerNames().filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new ConfigError(
      `${source}: rules name controller ${unknown.join(", ")}, which is not configured; the controllers are ${known.join(", ")}`,
    );
  }
}

function identityToken(
  client: string,
  actAs: NonNullable<PolicyRule["actAs"]>,
  env: Record<string, string | undefined>,
) {
  if (actAs.tokenEnv) {
    const token = env[actAs.tokenEnv]?.trim();
    if (!token)
      throw new ConfigError(
        `Policy: client "${client}" acts as ${actAs.user}, but ${actAs.tokenEnv} is not set`,
      );
    return token;
  }
  try {
    return readFileSync(actAs.tokenFile ?? "", "utf8").trim();
  } catch (error) {
    throw new ConfigError(
      `Policy: client "${client}" acts as ${actAs.user}, but its tokenFile cannot be read (${(error as NodeJS.ErrnoException).code}): ${actAs.tokenFile}`,
    );
  }
}

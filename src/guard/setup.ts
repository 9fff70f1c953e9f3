import { readFileSync } from "node:fs";
import { type Config, ConfigError } from "../config.js";
import type { ControllerConfig } from "../controllers.js";
import { HttpJenkinsClient } from "../jenkins/client.js";
import type { ControllerTraffic } from "../jenkins/traffic.js";
import type { Logger } from "../logger.js";
import { type AuditTrail, fileAuditTrail } from "./audit.js";
import { Guard } from "./guard.js";
import { type Identity, namesOf } from "./identity.js";
import { loadPolicy, type Policy, type PolicyRule } from "./policy.js";
import { LocalRateLimiter } from "./rate.js";
import { RedisRateLimiter } from "./redis-rate.js";

export interface Guardrails {
  guard: Guard;
  /**
   * The Jenkins client a caller acts as on a controller: the Jenkins user of the first `actAs` rule
   * there that names it (by its name or one of its groups), else the controller's shared one.
   */
  jenkinsFor: (client: Identity, controller: string) => HttpJenkinsClient;
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
  logger: Logger,
  trafficOf?: (controller: string) => ControllerTraffic,
): Guardrails {
  const policy = config.guard.policyFile ? loadPolicy(config.guard.policyFile) : undefined;
  if (policy) checkControllerNames(policy, controllers, config.guard.policyFile ?? "");
  const audit: AuditTrail | undefined = config.guard.auditLog
    ? fileAuditTrail(config.guard.auditLog)
    : undefined;
  // One client per identity and controller: each keeps its own pool and caches.
  const identities = new Map<string, Map<string, HttpJenkinsClient>>();
  // Per controller, in rule order, so that the first rule naming a caller's name or group wins.
  for (const controller of controllers) {
    const here = new Map<string, HttpJenkinsClient>();
    for (const { client, actAs } of policy?.forController(controller.name).clientsWithIdentity() ?? []) {
      if (here.has(client)) continue;
      const auth = { kind: "apiToken" as const, user: actAs.user, token: identityToken(client, actAs, env) };
      here.set(client, new HttpJenkinsClient({ ...controller, auth }, trafficOf?.(controller.name)));
    }
    identities.set(controller.name, here);
  }
  const { rateStore } = config.guard;
  const limiter = rateStore ? new RedisRateLimiter(rateStore, logger) : new LocalRateLimiter();
  const guard = new Guard(policy, audit, { limiter });
  return {
    guard,
    jenkinsFor(client, controller) {
      const names = namesOf(client);
      for (const [named, jenkins] of identities.get(controller) ?? [])
        if (names.includes(named)) return jenkins;
      const jenkins = shared.get(controller);
      if (!jenkins) throw new Error(`No Jenkins client for controller ${controller}`);
      return jenkins;
    },
    async close() {
      audit?.flush();
      await guard.close();
      const clients = [...identities.values()].flatMap((here) => [...here.values()]);
      await Promise.all(clients.map((jenkins) => jenkins.close()));
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

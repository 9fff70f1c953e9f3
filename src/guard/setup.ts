import { readFileSync } from "node:fs";
import { type Config, ConfigError } from "../config.js";
import { HttpJenkinsClient } from "../jenkins/client.js";
import type { HttpObserver } from "../jenkins/http.js";
import type { Logger } from "../logger.js";
import { type AuditTrail, fileAuditTrail } from "./audit.js";
import { Guard } from "./guard.js";
import { loadPolicy, type PolicyRule } from "./policy.js";
import { LocalRateLimiter } from "./rate.js";
import { RedisRateLimiter } from "./redis-rate.js";

export interface Guardrails {
  guard: Guard;
  /** The Jenkins client a caller acts as: its own identity when the policy names one. */
  jenkinsFor: (client: string) => HttpJenkinsClient;
  close(): Promise<void>;
}

/**
 * Builds the guardrails from the configuration, at start: a policy file with a mistake, or an
 * identity whose token cannot be read, stops the server before it serves anything.
 */
export function createGuardrails(
  config: Config,
  shared: HttpJenkinsClient,
  env: Record<string, string | undefined>,
  logger: Logger,
  observer?: HttpObserver,
): Guardrails {
  const policy = config.guard.policyFile ? loadPolicy(config.guard.policyFile) : undefined;
  const audit: AuditTrail | undefined = config.guard.auditLog
    ? fileAuditTrail(config.guard.auditLog)
    : undefined;
  const identities = new Map<string, HttpJenkinsClient>();
  for (const { client, actAs } of policy?.clientsWithIdentity() ?? []) {
    if (identities.has(client)) continue;
    const auth = { kind: "apiToken" as const, user: actAs.user, token: identityToken(client, actAs, env) };
    identities.set(client, new HttpJenkinsClient({ ...config.jenkins, auth }, observer));
  }
  const { rateStore } = config.guard;
  const limiter = rateStore ? new RedisRateLimiter(rateStore, logger) : new LocalRateLimiter();
  const guard = new Guard(policy, audit, limiter);
  return {
    guard,
    jenkinsFor: (client) => identities.get(client) ?? shared,
    async close() {
      audit?.flush();
      await guard.close();
      await Promise.all([...identities.values()].map((jenkins) => jenkins.close()));
    },
  };
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

import type { Action } from "./policy.js";

/** What an OAuth access token allows, whatever the policy says: the actions its scopes grant. */
export interface TokenScopes {
  granted: ReadonlySet<Action>;
  /** The scope that grants an action (`jenkins:trigger`), for the refusal's message. */
  scopeOf(action: Action): string;
}

/**
 * Who calls, as the guardrails see them. Policies name clients by `name` or by one of `groups`;
 * rate caps and the audit trail use `name`.
 */
export interface Identity {
  /** A static token's client name (`ci-bot`), `stdio`, or `user:<claim>` for a person signed in with OAuth. */
  name: string;
  /** `group:<name>` for each group the identity provider says the person belongs to. */
  groups: readonly string[];
  /** Set for OAuth access tokens: the scopes limit the actions before any policy rule is read. */
  scopes?: TokenScopes;
}

/** A client known by its name alone: a static token's, or stdio's. */
export function namedClient(name: string): Identity {
  return { name, groups: [] };
}

/** Every name a policy rule may use for this client, its own first. */
export function namesOf(client: Identity): string[] {
  return [client.name, ...client.groups];
}

/**
 * The identity the HTTP transport put in the SDK's AuthInfo (`extra.identity`) for the tools; a
 * client known by name alone when there is none.
 */
export function identityFromAuth(auth: { clientId: string; extra?: Record<string, unknown> }): Identity {
  const carried = auth.extra?.identity;
  return isIdentity(carried) ? carried : namedClient(auth.clientId);
}

function isIdentity(value: unknown): value is Identity {
  if (typeof value !== "object" || value === null) return false;
  const { name, groups } = value as Partial<Identity>;
  return typeof name === "string" && Array.isArray(groups);
}

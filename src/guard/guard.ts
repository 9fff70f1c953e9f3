import type { AuditTrail } from "./audit.js";
import type { Identity } from "./identity.js";
import { SecretMasker } from "./masking.js";
import { type Action, type Decision, GUARDED_ACTIONS, type Policy } from "./policy.js";
import { LocalRateLimiter, type RateLimiter, RateStoreUnavailable } from "./rate.js";

type Allowed = Extract<Decision, { allowed: true }>;

/**
 * A call the policy refused: changes nothing and names its rule. Nothing of the job was read: at
 * most the request that learns its canonical name, whose answer is the name alone.
 */
export class PolicyDenied extends Error {
  override name = "PolicyDenied";
  constructor(
    message: string,
    readonly rule: string | null,
    /** The name the decision was made on, for the audit trail. */
    readonly job?: string,
  ) {
    super(message);
  }
}

/** A rule's trigger rate cap was reached: a refusal that passes once the minute moves on. */
export class RateCapReached extends PolicyDenied {
  override name = "RateCapReached";
}

/** The person said no (or closed the question): nothing was sent. */
export class ConfirmationDeclined extends Error {
  override name = "ConfirmationDeclined";
}

export type ConfirmAnswer = "accept" | "decline" | "cancel";

/** Asks the person at the client; undefined when this client cannot be asked. */
export type Confirmer = (question: string) => Promise<ConfirmAnswer> | undefined;

export interface AccessRequest {
  client: Identity;
  action: Action;
  job: string;
  /** What will happen, for the confirmation question: "trigger team/api with BRANCH=main". */
  what: string;
}

/**
 * Guardrails around every tool call: the scopes of an OAuth access token, the access policy (deny by
 * default once given), trigger rate caps, confirmation by the person for marked actions, and secret
 * masking. Without a policy every call the token allows is allowed, as Jenkins' own permissions decide.
 */
export class Guard {
  readonly masker: SecretMasker;
  private readonly limiter: RateLimiter;
  private readonly perController = new Map<string, Guard>();

  constructor(
    readonly policy: Policy | undefined,
    readonly audit: AuditTrail | undefined,
    /**
     * Where trigger rate caps are counted (this process unless a shared store is configured), and
     * what the guards of several controllers share: a rule's rate cap counts on all its controllers.
     */
    shared: { masker?: SecretMasker; limiter?: RateLimiter } = {},
  ) {
    this.masker = shared.masker ?? new SecretMasker(policy?.maskPatterns ?? []);
    this.limiter = shared.limiter ?? new LocalRateLimiter();
  }

  /**
   * The guardrails of one controller: the policy's rules for it, the same audit trail and rate caps.
   * `named`: refusals name the controller (a server of one controller speaks as if there were no other).
   */
  forController(controller: string, named = true): Guard {
    const key = `${named}:${controller}`;
    let guard = this.perController.get(key);
    if (!guard) {
      guard = new Guard(this.policy?.forController(controller, named), this.audit, {
        masker: this.masker,
        limiter: this.limiter,
      });
      this.perController.set(key, guard);
    }
    return guard;
  }

  /**
   * The policy's decision alone, before anything is sent: throws when it refuses. `null` is a job
   * Jenkins did not name (a queue item of no job): a policy decides nothing on it, so refuses it.
   */
  check(client: Identity, action: Action, job: string | null): void {
    requireScope(client, action);
    if (job === null && this.policy) {
      throw new PolicyDenied(
        `Refused by policy: Jenkins does not say which job this belongs to, so no rule can allow ${action} on it.`,
        null,
      );
    }
    if (job !== null) this.decide(client, action, job);
  }

  /** Resolves with the deciding rule's name when the call may go ahead; throws when it may not. */
  async authorize(request: AccessRequest, confirm: Confirmer): Promise<string | undefined> {
    const decision = this.decide(request.client, request.action, request.job);
    if (!decision) return undefined;
    if (decision.confirm) await this.confirm(request, decision.rule, confirm);
    if (decision.triggersPerMinute !== undefined)
      await this.countTrigger(request, decision.rule, decision.triggersPerMinute);
    return decision.rule;
  }

  /** The key names one client and one rule: NUL is in neither (OAuth names hold ":"). */
  private async countTrigger(request: AccessRequest, rule: string, perMinute: number): Promise<void> {
    const { name } = request.client;
    let taken: true | number;
    try {
      taken = await this.limiter.take(`${name}\u0000${rule}`, perMinute);
    } catch (error) {
      if (!(error instanceof RateStoreUnavailable)) throw error;
      throw new PolicyDenied(
        `Refused: rule "${rule}" caps triggers at ${perMinute} a minute and the count is kept in ${error.store}, which cannot be reached (${error.reason}); nothing was sent to Jenkins: try again once it answers.`,
        rule,
      );
    }
    if (taken !== true) {
      throw new RateCapReached(
        `Refused by policy: rule "${rule}" allows ${name} ${perMinute} triggers a minute; try again in ${taken} s.`,
        rule,
      );
    }
  }

  close(): Promise<void> {
    return this.limiter.close();
  }

  private decide(client: Identity, action: Action, job: string): Allowed | undefined {
    requireScope(client, action);
    if (!this.policy && GUARDED_ACTIONS.includes(action)) {
      throw new PolicyDenied(
        `Refused: ${action} runs pipeline code that no one has reviewed in Jenkins, so it needs a policy rule that allows ${action} (see docs/policy.md); nothing was read or changed.`,
        null,
        job,
      );
    }
    const decision = this.policy?.decide(client, action, job);
    if (decision && !decision.allowed) {
      throw new PolicyDenied(
        `Refused by policy: ${decision.reason}; nothing was read or changed.`,
        decision.rule,
        job,
      );
    }
    return decision;
  }

  /** Whether the client may read a job Jenkins named (null: none, which no policy allows). */
  mayRead(client: Identity, job: string | null): boolean {
    if (!grants(client, "read")) return false;
    if (!this.policy) return true;
    return job !== null && this.policy.decide(client, "read", job).allowed;
  }

  /** Whether a listing may show the item: see Policy.mayList. */
  mayList(client: Identity, fullName: string, container: boolean): boolean {
    if (!grants(client, "read")) return false;
    return this.policy ? this.policy.mayList(client, fullName, container) : true;
  }

  private async confirm(request: AccessRequest, rule: string, confirm: Confirmer): Promise<void> {
    const answer = confirm(
      `Allow ${request.client.name} to ${request.what}? (policy rule "${rule}" asks for confirmation)`,
    );
    if (answer === undefined) {
      if (this.policy?.unconfirmable === "allow") return;
      throw new PolicyDenied(
        `Refused by policy: rule "${rule}" needs a person to confirm ${request.action} on ${request.job}, and this client cannot ask; run it from a client that supports elicitation.`,
        rule,
      );
    }
    const result = await answer;
    if (result !== "accept") {
      throw new ConfirmationDeclined(
        `The person ${result === "decline" ? "declined" : "cancelled"} the request to ${request.what}; nothing was sent to Jenkins.`,
      );
    }
  }
}

/** Whether the client's access token, if it came with one, grants the action. */
function grants(client: Identity, action: Action): boolean {
  return client.scopes?.granted.has(action) ?? true;
}

/**
 * The token's scopes bound what any policy rule may allow. The HTTP transport refuses a call whose
 * tool needs a scope the token lacks before it runs (403 insufficient_scope); this catches an action
 * a tool takes that its declaration did not foresee.
 */
function requireScope(client: Identity, action: Action): void {
  if (grants(client, action)) return;
  const scope = client.scopes?.scopeOf(action);
  throw new PolicyDenied(
    `Refused: the access token does not grant ${action} (scope ${scope}); nothing was read or changed. Sign in again and consent to ${scope}.`,
    null,
  );
}

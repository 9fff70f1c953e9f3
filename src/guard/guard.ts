import type { AuditTrail } from "./audit.js";
import { SecretMasker } from "./masking.js";
import { type Action, type Decision, GUARDED_ACTIONS, type Policy } from "./policy.js";

type Allowed = Extract<Decision, { allowed: true }>;

import { RateLimiter } from "./rate.js";

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

/** The person said no (or closed the question): nothing was sent. */
export class ConfirmationDeclined extends Error {
  override name = "ConfirmationDeclined";
}

export type ConfirmAnswer = "accept" | "decline" | "cancel";

/** Asks the person at the client; undefined when this client cannot be asked. */
export type Confirmer = (question: string) => Promise<ConfirmAnswer> | undefined;

export interface AccessRequest {
  client: string;
  action: Action;
  job: string;
  /** What will happen, for the confirmation question: "trigger team/api with BRANCH=main". */
  what: string;
}

/**
 * Guardrails around every tool call: the access policy (deny by default once given), trigger rate
 * caps, confirmation by the person for marked actions, and secret masking. Without a policy every
 * call is allowed, as Jenkins' own permissions decide.
 */
export class Guard {
  readonly masker: SecretMasker;
  private readonly limiter = new RateLimiter();

  constructor(
    readonly policy: Policy | undefined,
    readonly audit: AuditTrail | undefined,
  ) {
    this.masker = new SecretMasker(policy?.maskPatterns ?? []);
  }

  /**
   * The policy's decision alone, before anything is sent: throws when it refuses. `null` is a job
   * Jenkins did not name (a queue item of no job): a policy decides nothing on it, so refuses it.
   */
  check(client: string, action: Action, job: string | null): void {
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
    if (decision.triggersPerMinute !== undefined) {
      const taken = this.limiter.take(`${request.client}\u0000${decision.rule}`, decision.triggersPerMinute);
      if (taken !== true) {
        throw new PolicyDenied(
          `Refused by policy: rule "${decision.rule}" allows ${request.client} ${decision.triggersPerMinute} triggers a minute; try again in ${taken} s.`,
          decision.rule,
        );
      }
    }
    return decision.rule;
  }

  private decide(client: string, action: Action, job: string): Allowed | undefined {
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
  mayRead(client: string, job: string | null): boolean {
    if (!this.policy) return true;
    return job !== null && this.policy.decide(client, "read", job).allowed;
  }

  /** Whether a listing may show the item: see Policy.mayList. */
  mayList(client: string, fullName: string, container: boolean): boolean {
    return this.policy ? this.policy.mayList(client, fullName, container) : true;
  }

  private async confirm(request: AccessRequest, rule: string, confirm: Confirmer): Promise<void> {
    const answer = confirm(
      `Allow ${request.client} to ${request.what}? (policy rule "${rule}" asks for confirmation)`,
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

import type { AuditEntry } from "./guard/audit.js";
import type { RequestBudget } from "./jenkins/budget.js";
import type { ExchangeEvent } from "./jenkins/traffic.js";

export interface ToolCallEvent {
  tool: string;
  outcome: AuditEntry["outcome"];
  seconds: number;
  /** Why the guardrails refused the call: its policy, or its trigger rate cap. */
  refusal?: "policy" | "rateCap" | undefined;
}

/** Where the server's events go: the Prometheus metrics of the HTTP transport. */
export interface TelemetrySink {
  toolCall(event: ToolCallEvent): void;
  jenkinsExchange(event: ExchangeEvent): void;
  readShared(): void;
}

/**
 * What the server reports as it works, whatever the transport: nothing is measured until a sink is
 * attached (the HTTP transport attaches its metrics; stdio none), so stdio pays for no metrics.
 */
export class Telemetry implements TelemetrySink {
  private readonly sinks: TelemetrySink[] = [];

  /** Each controller's request budget, whose waiting lines the metrics show, summed. */
  readonly budgets: RequestBudget[] = [];

  watch(budget: RequestBudget): void {
    this.budgets.push(budget);
  }

  attach(sink: TelemetrySink): void {
    this.sinks.push(sink);
  }

  toolCall(event: ToolCallEvent): void {
    for (const sink of this.sinks) sink.toolCall(event);
  }

  jenkinsExchange(event: ExchangeEvent): void {
    for (const sink of this.sinks) sink.jenkinsExchange(event);
  }

  readShared(): void {
    for (const sink of this.sinks) sink.readShared();
  }
}

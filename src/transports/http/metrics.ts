import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { ExchangeEvent } from "../../jenkins/traffic.js";
import type { Telemetry, TelemetrySink, ToolCallEvent } from "../../telemetry.js";

/** Seconds: a cached read takes a millisecond, a diagnosis of a large log tens of seconds. */
const TOOL_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
const JENKINS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * `/metrics` in Prometheus' text format, with prom-client (the Node client Prometheus' own docs
 * list; it writes the exposition format and the process metrics a scrape expects). Labels are tool
 * names, outcomes, endpoint kinds and statuses only: bounded, and never a job, client or URL.
 * Loaded only by the HTTP transport, so stdio's start does not pay for it.
 */
export class PrometheusMetrics implements TelemetrySink {
  private readonly registry = new Registry();
  private readonly toolCalls: Counter<"tool" | "outcome">;
  private readonly toolSeconds: Histogram<"tool">;
  private readonly refusals: Counter<"tool" | "reason">;
  private readonly jenkinsRequests: Counter<"kind" | "method" | "status">;
  private readonly jenkinsSeconds: Histogram<"kind">;
  private readonly shared: Counter;

  constructor(telemetry: Telemetry, sessions: () => number) {
    const registers = [this.registry];
    this.toolCalls = new Counter({
      name: "jenkins_mcp_tool_calls_total",
      help: "Tool calls by tool and outcome (ok, error, denied by the guardrails, declined by the person)",
      labelNames: ["tool", "outcome"],
      registers,
    });
    this.toolSeconds = new Histogram({
      name: "jenkins_mcp_tool_call_duration_seconds",
      help: "Time from a tool call's start to its answer",
      labelNames: ["tool"],
      buckets: TOOL_BUCKETS,
      registers,
    });
    this.refusals = new Counter({
      name: "jenkins_mcp_guard_refusals_total",
      help: "Calls the guardrails refused: reason policy (a rule), or rateCap (a rule's trigger rate cap)",
      labelNames: ["tool", "reason"],
      registers,
    });
    this.jenkinsRequests = new Counter({
      name: "jenkins_mcp_jenkins_requests_total",
      help: "HTTP requests that reached Jenkins (retries included), by endpoint kind and status (none: no answer)",
      labelNames: ["kind", "method", "status"],
      registers,
    });
    this.jenkinsSeconds = new Histogram({
      name: "jenkins_mcp_jenkins_request_duration_seconds",
      help: "Time to a Jenkins answer's headers, by endpoint kind",
      labelNames: ["kind"],
      buckets: JENKINS_BUCKETS,
      registers,
    });
    this.shared = new Counter({
      name: "jenkins_mcp_jenkins_reads_shared_total",
      help: "Reads answered by an identical read under way or kept fresh, instead of a request of their own",
      registers,
    });
    const { budgets } = telemetry;
    gauge(registers, "jenkins_mcp_jenkins_requests_waiting", "Jenkins requests waiting for the budget", () =>
      budgets.reduce((sum, budget) => sum + budget.waiting, 0),
    );
    gauge(registers, "jenkins_mcp_jenkins_requests_in_flight", "Jenkins requests under way", () =>
      budgets.reduce((sum, budget) => sum + budget.inUse, 0),
    );
    gauge(registers, "jenkins_mcp_sessions", "Open sessions of 2025 clients", sessions);
    collectDefaultMetrics({ register: this.registry });
    telemetry.attach(this);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  toolCall(event: ToolCallEvent): void {
    this.toolCalls.inc({ tool: event.tool, outcome: event.outcome });
    this.toolSeconds.observe({ tool: event.tool }, event.seconds);
    if (event.refusal) this.refusals.inc({ tool: event.tool, reason: event.refusal });
  }

  jenkinsExchange(event: ExchangeEvent): void {
    const status = event.status === undefined ? "none" : String(event.status);
    this.jenkinsRequests.inc({ kind: event.kind, method: event.method, status });
    this.jenkinsSeconds.observe({ kind: event.kind }, event.ms / 1000);
  }

  readShared(): void {
    this.shared.inc();
  }
}

/** A gauge read when scraped. */
function gauge(registers: Registry[], name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}

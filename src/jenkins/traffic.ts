import type { RequestBudget } from "./budget.js";
import { ReadSharing } from "./sharing.js";

export type Method = "GET" | "HEAD" | "POST";

export interface ExchangeEvent {
  method: Method;
  /** The URL's path, for logs. */
  path: string;
  /** The endpoint's kind (see endpointKind), for metrics. */
  kind: string;
  /** Undefined when no answer came (a network failure). */
  status?: number;
  ms: number;
  attempt: number;
}

export interface HttpObserver {
  /** Called once per HTTP exchange (retries and crumb fetches included), for logs and metrics. */
  onExchange?(event: ExchangeEvent): void;
  /** Called when a read was answered by an identical one under way or kept fresh, not sent again. */
  onShared?(): void;
}

export interface TrafficOptions {
  observer?: HttpObserver;
  /** Limits the requests at the controller at once; none: as many as the connection pool allows. */
  budget?: RequestBudget;
  /**
   * Whether identical reads are shared, and for how long an answer its endpoint marks as reusable
   * serves them (0: only reads under way are shared).
   */
  sharing?: { freshMs: number } | false;
}

/**
 * What every identity talking to one Jenkins controller shares: the request budget, the observer,
 * and the read sharing of each identity, so that a write by anyone makes every identity read afresh.
 */
export class ControllerTraffic {
  readonly observer: HttpObserver;
  readonly budget: RequestBudget | undefined;
  private readonly sharingOptions: { freshMs: number } | false;
  private readonly sharings = new Set<ReadSharing>();

  constructor(options: TrafficOptions = {}) {
    this.observer = options.observer ?? {};
    this.budget = options.budget;
    this.sharingOptions = options.sharing ?? { freshMs: 0 };
  }

  /** A new identity's read sharing (one each: answers never cross identities), or none when off. */
  sharingForIdentity(): ReadSharing | undefined {
    if (!this.sharingOptions) return undefined;
    const sharing = new ReadSharing(this.sharingOptions.freshMs, undefined, () => this.observer.onShared?.());
    this.sharings.add(sharing);
    return sharing;
  }

  /** A write was sent (whatever its outcome): kept answers may no longer be true. */
  wrote(): void {
    for (const sharing of this.sharings) sharing.forget();
  }
}

/**
 * What kind of Jenkins endpoint a request path is, from a fixed list (for metrics: a raw path would
 * make one series per job and build).
 */
export function endpointKind(method: Method, path: string): string {
  const segments = path.split("/").filter(Boolean);
  const last = segments.at(-1) ?? "";
  const beforeLast = segments.at(-2) ?? "";
  if (segments.includes("artifact")) return "artifact";
  if (segments.includes("wfapi")) return "stageView";
  if (last === "progressiveText" || last === "consoleText" || last === "log") return "log";
  if (segments.includes("crumbIssuer")) return "crumb";
  if (segments.includes("queue")) return method === "POST" ? "queueWrite" : "queue";
  if (method === "POST") return WRITE_KINDS.get(last) ?? "write";
  if (last === "json" && beforeLast === "api") return apiKind(segments.slice(0, -2));
  if (last === "config.xml") return "jobConfig";
  if (method === "HEAD" && segments.length === 0) return "root";
  return "other";
}

const WRITE_KINDS = new Map([
  ["build", "trigger"],
  ["buildWithParameters", "trigger"],
  ["stop", "stop"],
  ["term", "stop"],
  ["kill", "stop"],
  ["createItem", "createJob"],
]);

/** The `api/json` of what: the root, a node, a build, or a job or folder. */
function apiKind(owner: string[]): string {
  if (owner.length === 0) return "root";
  if (owner.includes("computer")) return "nodes";
  const last = owner.at(-1) ?? "";
  if (last === "testReport") return "testReport";
  if (/^\d+$/.test(last) || /^last[A-Za-z]*Build$/.test(last) || last === "wfapi") return "build";
  if (owner.at(-2) === "job") return "job";
  return "other";
}

import type { ServerResponse } from "node:http";
import type { CallLimits } from "./call-limits.js";

/**
 * What shutdown has to deal with: MCP requests being served, which it waits for, and streams (GET,
 * subscriptions/listen), which never end on their own, so it ends them instead.
 */
export class InflightRequests {
  private readonly requests = new Set<ServerResponse>();
  private readonly streams = new Set<CallLimits>();
  private onIdle: (() => void) | undefined;

  get size(): number {
    return this.requests.size;
  }

  /** Shutdown waits for these; notification streams (GET) are left out, as they never end on their own. */
  track(res: ServerResponse): void {
    this.requests.add(res);
    res.once("close", () => this.settled(res));
  }

  /** A long-lived stream: no timeout, not waited for at shutdown but ended when it starts. */
  holdStream(res: ServerResponse, call: CallLimits): void {
    this.settled(res);
    this.streams.add(call);
    res.once("close", () => this.streams.delete(call));
  }

  endStreams(reason: Error): void {
    for (const stream of this.streams) stream.abort(reason);
  }

  /** Resolves once every tracked request has finished, or when `graceMs` is over. */
  finished(graceMs: number): Promise<void> {
    if (this.requests.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, graceMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.onIdle = done;
    });
  }

  private settled(res: ServerResponse): void {
    this.requests.delete(res);
    if (this.requests.size === 0) this.onIdle?.();
  }
}

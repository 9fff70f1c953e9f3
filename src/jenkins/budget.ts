import { AsyncLocalStorage } from "node:async_hooks";
import { JenkinsError } from "./errors.js";

const callers = new AsyncLocalStorage<string>();

/** Runs `work` on behalf of `caller`: the Jenkins requests it makes queue in that caller's line. */
export function onBehalfOf<T>(caller: string, work: () => T): T {
  return callers.run(caller, work);
}

/** Requests made outside any call (readiness probes, tests) share one line. */
const NO_CALLER = "";

interface Waiter {
  admit(): void;
}

/** Gives back a slot taken with `RequestBudget.take`; calling it twice frees one slot only. */
export type Release = () => void;

/**
 * How many requests this server has at one Jenkins controller at once, whichever identity sends
 * them: the controller's request threads are the fragile part when many agents share one server.
 * Requests beyond the limit wait in one line per caller, served round robin, so one busy agent
 * cannot starve the others; when `maxWaiting` already wait, a request fails at once with "Jenkins is
 * busy" instead of piling on.
 */
export class RequestBudget {
  private active = 0;
  /** Callers with waiting requests, in the order they are served next (a Map keeps insertion order). */
  private readonly lines = new Map<string, Waiter[]>();
  private waitingCount = 0;
  /** A smoothed duration of one request, to say how long a refused caller should wait. */
  private averageMs = 200;

  constructor(
    readonly maxConcurrent: number,
    readonly maxWaiting: number,
  ) {}

  get waiting(): number {
    return this.waitingCount;
  }

  get inUse(): number {
    return this.active;
  }

  /** Resolves with a slot once one is free and it is this caller's turn; the caller gives it back. */
  async take(action: string, signal: AbortSignal | undefined): Promise<Release> {
    if (this.active < this.maxConcurrent && this.waitingCount === 0) return this.admitted();
    if (this.waitingCount >= this.maxWaiting) throw this.busy();
    const caller = callers.getStore() ?? NO_CALLER;
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: () => {
          signal?.removeEventListener("abort", cancel);
          resolve();
        },
      };
      const cancel = () => {
        this.leave(caller, waiter);
        reject(new JenkinsError("cancelled", `The request was cancelled while queued for ${action}.`));
      };
      if (signal?.aborted) return cancel();
      signal?.addEventListener("abort", cancel, { once: true });
      this.join(caller, waiter);
    });
    return this.release();
  }

  private admitted(): Release {
    this.active++;
    return this.release();
  }

  /** The slot is handed straight to the next waiter when there is one, so no newcomer jumps the line. */
  private release(): Release {
    const started = performance.now();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.averageMs = 0.9 * this.averageMs + 0.1 * (performance.now() - started);
      const next = this.next();
      if (next) next.admit();
      else this.active--;
    };
  }

  private join(caller: string, waiter: Waiter): void {
    const line = this.lines.get(caller);
    if (line) line.push(waiter);
    else this.lines.set(caller, [waiter]);
    this.waitingCount++;
  }

  private leave(caller: string, waiter: Waiter): void {
    const line = this.lines.get(caller);
    const index = line?.indexOf(waiter) ?? -1;
    if (!line || index < 0) return;
    line.splice(index, 1);
    this.waitingCount--;
    if (line.length === 0) this.lines.delete(caller);
  }

  /** The head of the first caller's line; that caller then goes to the back (round robin). */
  private next(): Waiter | undefined {
    const first = this.lines.entries().next();
    if (first.done) return undefined;
    const [caller, line] = first.value;
    const waiter = line.shift();
    this.waitingCount--;
    this.lines.delete(caller);
    if (line.length > 0) this.lines.set(caller, line);
    return waiter;
  }

  private busy(): JenkinsError {
    const seconds = Math.max(
      1,
      Math.ceil((this.waitingCount / this.maxConcurrent) * (this.averageMs / 1000)),
    );
    return new JenkinsError(
      "busy",
      `Jenkins is busy: ${this.waitingCount} requests wait; retry in about ${seconds} s.`,
      { retryAfterMs: seconds * 1000 },
    );
  }
}

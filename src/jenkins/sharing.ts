import { JenkinsError } from "./errors.js";

/** An answer read whole: its text, and whether it may serve identical reads for a while. */
export interface SharedAnswer {
  text: string;
  reusable: boolean;
}

interface InFlight {
  key: string;
  answer: Promise<SharedAnswer>;
  /** Aborted when every caller waiting for the answer has given up. */
  controller: AbortController;
  waiters: number;
}

/**
 * Identical reads of one Jenkins identity, shared: a read that is already under way is not sent
 * again (100 agents polling one running build make one request at a time, not 100), and an answer
 * its endpoint marks as reusable (a finished build, a job, a folder listing) serves identical reads
 * for `freshMs`. Only whole answers are shared, never streams; each caller parses its own copy.
 * One instance per identity, so nothing is ever shared between identities.
 */
export class ReadSharing {
  private readonly inFlight = new Map<string, InFlight>();
  private readonly fresh = new Map<string, { text: string; expires: number }>();

  constructor(
    private readonly freshMs: number,
    private readonly maxFresh = 500,
    private readonly onShared: () => void = () => undefined,
  ) {}

  /**
   * The answer to the read named `key`: a fresh one, the one under way, or `read`'s. `read` gets a
   * signal that aborts only when every caller sharing it has aborted; a caller that aborts gets a
   * cancelled error without cancelling the others.
   */
  async read(
    key: string,
    signal: AbortSignal | undefined,
    action: string,
    read: (signal: AbortSignal) => Promise<SharedAnswer>,
  ): Promise<string> {
    const kept = this.fresh.get(key);
    if (kept && kept.expires > performance.now()) {
      this.onShared();
      return kept.text;
    }
    let flight = this.inFlight.get(key);
    if (flight) this.onShared();
    else flight = this.start(key, read);
    return this.wait(flight, signal, action);
  }

  /** Forgets every kept answer: after a write, the next reads see what it changed. */
  forget(): void {
    this.fresh.clear();
  }

  private start(key: string, read: (signal: AbortSignal) => Promise<SharedAnswer>): InFlight {
    const controller = new AbortController();
    const answer = read(controller.signal);
    const flight: InFlight = { key, answer, controller, waiters: 0 };
    this.inFlight.set(key, flight);
    answer.then(
      (result) => {
        if (this.inFlight.get(key) !== flight) return;
        this.inFlight.delete(key);
        if (result.reusable && this.freshMs > 0) this.keep(key, result.text);
      },
      () => {
        if (this.inFlight.get(key) === flight) this.inFlight.delete(key);
      },
    );
    return flight;
  }

  private keep(key: string, text: string): void {
    this.fresh.delete(key);
    if (this.fresh.size >= this.maxFresh) {
      const oldest = this.fresh.keys().next().value;
      if (oldest !== undefined) this.fresh.delete(oldest);
    }
    this.fresh.set(key, { text, expires: performance.now() + this.freshMs });
  }

  /** Nobody waits for it any more: cancelled, and no later read joins it. */
  private abandon(flight: InFlight): void {
    if (this.inFlight.get(flight.key) === flight) this.inFlight.delete(flight.key);
    flight.controller.abort();
  }

  private async wait(flight: InFlight, signal: AbortSignal | undefined, action: string): Promise<string> {
    flight.waiters++;
    if (!signal) return (await flight.answer).text;
    let onAbort: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        if (--flight.waiters === 0) this.abandon(flight);
        reject(new JenkinsError("cancelled", `The request was cancelled while ${action}.`));
      };
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    });
    try {
      return (await Promise.race([flight.answer, aborted])).text;
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }
}

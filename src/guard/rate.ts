/** Where trigger rate caps are counted: in this process, or in a store every instance shares. */
export interface RateLimiter {
  /**
   * Records an event for `key` and resolves true, or resolves with the seconds to wait when `limit`
   * events already happened in the last minute. Rejects with RateStoreUnavailable when the count
   * cannot be kept.
   */
  take(key: string, limit: number): Promise<true | number>;
  close(): Promise<void>;
}

/** The shared store cannot be asked: the guard refuses the capped action rather than guess. */
export class RateStoreUnavailable extends Error {
  override name = "RateStoreUnavailable";
  constructor(
    /** "Redis at redis://cache:6379" */
    readonly store: string,
    readonly reason: string,
  ) {
    super(`${store} cannot be reached (${reason})`);
  }
}

export const WINDOW_MS = 60_000;

/** At most `limit` events per key in any sliding minute, counted in this process alone. */
export class LocalRateLimiter implements RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  async take(key: string, limit: number): Promise<true | number> {
    const now = this.now();
    const recent = (this.events.get(key) ?? []).filter((time) => now - time < WINDOW_MS);
    if (recent.length >= limit) {
      this.events.set(key, recent);
      return Math.ceil((WINDOW_MS - (now - (recent[0] ?? now))) / 1000);
    }
    recent.push(now);
    this.events.set(key, recent);
    return true;
  }

  async close(): Promise<void> {}
}

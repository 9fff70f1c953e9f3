/** At most `limit` events per client and rule in any sliding minute. */
export class RateLimiter {
  private readonly events = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records the event and returns true, or returns the seconds to wait when over the limit. */
  take(key: string, limit: number): true | number {
    const now = this.now();
    const recent = (this.events.get(key) ?? []).filter((time) => now - time < 60_000);
    if (recent.length >= limit) {
      this.events.set(key, recent);
      return Math.ceil((60_000 - (now - (recent[0] ?? now))) / 1000);
    }
    recent.push(now);
    this.events.set(key, recent);
    return true;
  }
}

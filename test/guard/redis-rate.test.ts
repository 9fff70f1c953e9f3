import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalRateLimiter, RateStoreUnavailable } from "../../src/guard/rate.js";
import { RedisRateLimiter } from "../../src/guard/redis-rate.js";
import { createLogger } from "../../src/logger.js";
import { freePort, RedisServer } from "../support/cluster.js";

const logger = createLogger({ level: "silent" });

describe("trigger rate caps kept in a real Redis", () => {
  let redis: RedisServer;
  const limiters: RedisRateLimiter[] = [];
  const limiter = (url = redis.url) => {
    const created = new RedisRateLimiter({ url }, logger);
    limiters.push(created);
    return created;
  };

  beforeAll(async () => {
    redis = await RedisServer.start();
  });

  afterAll(async () => {
    await Promise.all(limiters.map((created) => created.close()));
    await redis?.stop();
  });

  it("allows exactly the limit among instances racing for it, then says how long to wait", async () => {
    const instances = [limiter(), limiter(), limiter()];
    const taken = await Promise.all(
      Array.from({ length: 30 }, (_, index) => instances[index % 3]?.take("alice:race", 10)),
    );
    expect(taken.filter((result) => result === true)).toHaveLength(10);
    const waits = taken.filter((result) => result !== true) as number[];
    expect(waits).toHaveLength(20);
    expect(
      waits.every((wait) => wait >= 59 && wait <= 60),
      `waits: ${waits}`,
    ).toBe(true);
    // Another key, or another rule for the same client, has its own count.
    expect(await instances[0]?.take("bob:race", 10)).toBe(true);
  });

  it("counts as the in-process limiter does", async () => {
    const shared = limiter();
    const local = new LocalRateLimiter();
    const sequence = async (take: (key: string, limit: number) => Promise<true | number>) => {
      const results: boolean[] = [];
      for (let call = 0; call < 4; call++) results.push((await take("carol:same", 2)) === true);
      return results;
    };
    expect(await sequence((key, limit) => shared.take(key, limit))).toEqual(
      await sequence((key, limit) => local.take(key, limit)),
    );
  });

  it("fails closed with the store's address when nothing answers there", async () => {
    const nowhere = limiter(`redis://127.0.0.1:${await freePort()}`);
    const error = await nowhere.take("dave:down", 5).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RateStoreUnavailable);
    expect((error as RateStoreUnavailable).store).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+$/);
    expect((error as RateStoreUnavailable).reason).toMatch(/ECONNREFUSED|timed out|aborted/i);
  });

  it("refuses while Redis is down and counts again once it is back", async () => {
    const store = await RedisServer.start();
    const flaky = limiter(store.url);
    expect(await flaky.take("erin:flaky", 5)).toBe(true);
    await store.stop();
    await expect(flaky.take("erin:flaky", 5)).rejects.toBeInstanceOf(RateStoreUnavailable);
    const back = await RedisServer.start(store.port);
    // The client reconnects in the background (backoff up to 2 s); until then it refuses at once.
    const deadline = Date.now() + 10_000;
    let result: true | number | undefined;
    while (result === undefined && Date.now() < deadline) {
      result = await flaky.take("erin:flaky", 5).catch(() => undefined);
      if (result === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(result).toBe(true);
    await back.stop();
  });
});

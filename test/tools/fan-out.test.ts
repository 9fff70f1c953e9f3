import { describe, expect, it } from "vitest";
import { gatherAcross } from "../../src/tools/fan-out.js";

const never = () => new Promise<never>(() => undefined);

describe("gatherAcross", () => {
  it("runs at most `concurrency` controllers at once and keeps their order", async () => {
    let running = 0;
    let most = 0;
    const gathered = await gatherAcross(
      ["a", "b", "c", "d", "e"],
      async (controller) => {
        running++;
        most = Math.max(most, running);
        await Promise.resolve();
        running--;
        return controller.toUpperCase();
      },
      { concurrency: 2, timeoutMs: 1000 },
      new AbortController().signal,
    );
    expect(most).toBe(2);
    expect(gathered.answers).toEqual(
      ["A", "B", "C", "D", "E"].map((value) => ({ controller: value.toLowerCase(), value })),
    );
    expect(gathered.unavailable).toEqual([]);
  });

  it("names a controller that fails or outlives the time limit, and keeps the others' answers", async () => {
    let aborted = false;
    const gathered = await gatherAcross(
      ["up", "broken", "silent"],
      (controller, signal) => {
        if (controller === "broken")
          return Promise.reject(new Error("Jenkins answered 503 Service Unavailable"));
        if (controller === "silent") {
          signal.addEventListener("abort", () => {
            aborted = true;
          });
          return never();
        }
        return Promise.resolve(1);
      },
      { concurrency: 3, timeoutMs: 200 },
      new AbortController().signal,
    );
    expect(gathered.answers).toEqual([{ controller: "up", value: 1 }]);
    expect(gathered.unavailable).toEqual([
      { controller: "broken", reason: "Jenkins answered 503 Service Unavailable" },
      { controller: "silent", reason: "did not answer within 0.2 s" },
    ]);
    expect(aborted).toBe(true);
  });

  it("fails as a whole when the call itself is cancelled", async () => {
    const call = new AbortController();
    const gathering = gatherAcross(["a", "b"], never, { concurrency: 2, timeoutMs: 60_000 }, call.signal);
    call.abort(new Error("cancelled by the client"));
    await expect(gathering).rejects.toThrow("cancelled by the client");
  });
});

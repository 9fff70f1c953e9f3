import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * What a client reads when Jenkins must be spared, over stdio (the spawned CLI) and HTTP: a full
 * request budget, and Jenkins or its proxy asking to come back later (429/503 with Retry-After).
 */
describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    // One request at a time and none waiting: a second call while one is under way is refused.
    // No reads kept fresh, so that each test's faults meet a request.
    session = await openSession(transport, sim.url, {
      env: { JENKINS_MAX_CONCURRENT: "1", JENKINS_MAX_WAITING: "0", JENKINS_READ_REUSE_MS: "0" },
    });
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  it("a call beyond the request budget is told Jenkins is busy, in one sentence", async () => {
    sim.injectFault({ match: {}, kind: "delay", delayMs: 1500, times: 1 });
    const first = session.call("getJob", { jobFullName: "hello" });
    await sim.world.waitFor(() => sim.requests.length > 0);
    const second = await session.call("getBuild", { jobFullName: "hello", buildNumber: 1 });
    expectOneSentence(second, /^Jenkins is busy: 0 requests wait; retry in about \d+ s\.$/);
    expectOk(await first);
    expect(sim.requests).toHaveLength(2);
  });

  it("Jenkins' Retry-After beyond a short wait is passed on, in one sentence", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html429", retryAfter: "120" });
    const answer = await session.call("getJob", { jobFullName: "hello" });
    expectOneSentence(answer, /overloaded and refused .*hello \(429\); retry in about 120 s\.$/);
  });

  it("a short Retry-After is waited out", async () => {
    sim.injectFault({ match: {}, kind: "html503", retryAfter: "1", times: 1 });
    expectOk(await session.call("getJob", { jobFullName: "hello" }));
    expect(sim.requests[0]?.status).toBe(503);
  });
});

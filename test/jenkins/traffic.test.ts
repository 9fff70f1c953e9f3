import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import type { Build } from "../../simulator/world.js";
import type { JenkinsAuth } from "../../src/config.js";
import { onBehalfOf, RequestBudget } from "../../src/jenkins/budget.js";
import { HttpJenkinsClient } from "../../src/jenkins/client.js";
import { retryAfterMs } from "../../src/jenkins/errors.js";
import { ControllerTraffic, type TrafficOptions } from "../../src/jenkins/traffic.js";
import { failure } from "./failure.js";

const { admin, reader } = SIMULATOR_USERS;
const asUser = (user: typeof admin | typeof reader): JenkinsAuth => ({
  kind: "apiToken",
  user: user.id,
  token: user.apiToken,
});

let sim: JenkinsSimulator;
let running: Build;
const clients: HttpJenkinsClient[] = [];

function clientFor(
  traffic: ControllerTraffic,
  user: typeof admin | typeof reader = admin,
): HttpJenkinsClient {
  const client = new HttpJenkinsClient(
    { url: sim.url, auth: asUser(user), timeoutMs: 5000, tlsInsecure: false, proxy: {} },
    traffic,
  );
  clients.push(client);
  return client;
}

function traffic(options: TrafficOptions = {}): ControllerTraffic {
  return new ControllerTraffic({ sharing: { freshMs: 60_000 }, ...options });
}

/** GETs that reached the simulator for a path ending so. */
function reads(suffix: string): number {
  return sim.requests.filter((request) => request.method === "GET" && request.path.endsWith(suffix)).length;
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins" });
  const job = sim.world.getJob(SEED_JOBS.longRunning);
  const { item } = sim.world.schedule(job, null, { userId: "admin", userName: "admin" }, 0);
  await sim.world.waitFor(() => item.build !== null);
  running = item.build as Build;
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  await sim?.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.clearRequests();
});

describe("identical reads", () => {
  it("under way at once are sent once, even for a running build", async () => {
    const jenkins = clientFor(traffic());
    const path = [SEED_JOBS.longRunning];
    const builds = await Promise.all(
      Array.from({ length: 20 }, () => jenkins.getBuild(path, running.number)),
    );
    expect(new Set(builds.map((build) => build.building))).toEqual(new Set([true]));
    expect(reads(`/${running.number}/api/json`)).toBe(1);
    // A running build is never kept: the next poll reaches Jenkins.
    await jenkins.getBuild(path, running.number);
    expect(reads(`/${running.number}/api/json`)).toBe(2);
  });

  it("of a finished build, a job or a folder are kept fresh; a permalink is not", async () => {
    const jenkins = clientFor(traffic());
    for (let poll = 0; poll < 3; poll++) {
      await jenkins.getBuild(["hello"], 1);
      await jenkins.getJob(["hello"]);
      await jenkins.listJobs(["team"], 0, 10);
      await jenkins.getBuild(["hello"], "lastBuild");
    }
    expect(reads("/job/hello/1/api/json")).toBe(1);
    expect(reads("/job/hello/api/json")).toBe(1);
    expect(reads("/job/team/api/json")).toBe(1);
    expect(reads("/job/hello/lastBuild/api/json")).toBe(3);
  });

  it("are read afresh after a write of any identity", async () => {
    const shared = traffic();
    const jenkins = clientFor(shared);
    await jenkins.getJob(["hello"]);
    await clientFor(shared).triggerBuild(["hello"], undefined);
    await jenkins.getJob(["hello"]);
    expect(reads("/job/hello/api/json")).toBe(2);
  });

  it("are never shared between identities", async () => {
    const shared = traffic();
    const [asAdmin, asReader] = [clientFor(shared, admin), clientFor(shared, reader)];
    await Promise.all([asAdmin.getJob(["hello"]), asReader.getJob(["hello"])]);
    await Promise.all([asAdmin.getJob(["hello"]), asReader.getJob(["hello"])]);
    const authorizations = sim.requests.map((request) => request.requestHeaders.authorization);
    expect(authorizations).toHaveLength(2);
    expect(new Set(authorizations).size).toBe(2);
  });

  it("are all sent when sharing is off", async () => {
    const jenkins = clientFor(traffic({ sharing: false }));
    await Promise.all(Array.from({ length: 5 }, () => jenkins.getJob(["hello"])));
    expect(reads("/job/hello/api/json")).toBe(5);
  });

  it("go on for the others when one caller gives up", async () => {
    const jenkins = clientFor(traffic());
    sim.injectFault({ match: { path: "/job/hello/2/api/json" }, kind: "delay", delayMs: 200, times: 1 });
    const impatient = new AbortController();
    const first = jenkins.getBuild(["hello"], 2, impatient.signal);
    const second = jenkins.getBuild(["hello"], 2);
    impatient.abort();
    expect((await failure(first)).kind).toBe("cancelled");
    expect((await second).number).toBe(2);
    expect(reads("/job/hello/2/api/json")).toBe(1);
  });

  it("fail together with one sentence when Jenkins fails them", async () => {
    const jenkins = clientFor(traffic());
    const missing = await Promise.all([1, 2, 3].map(() => failure(jenkins.getBuild(["hello"], 999))));
    expect(missing.map((error) => error.kind)).toEqual(["notFound", "notFound", "notFound"]);
    expect(reads("/job/hello/999/api/json")).toBe(1);
  });

  it("of logs are not shared: each caller streams its own", async () => {
    const jenkins = clientFor(traffic());
    const request = { path: [SEED_JOBS.longRunning], build: running.number, lines: 5 };
    await Promise.all([jenkins.logTail(request), jenkins.logTail(request)]);
    const logReads = sim.requests.filter((r) => r.path.includes("/logText/") && r.method === "GET");
    expect(logReads).toHaveLength(2);
  });
});

describe("Retry-After", () => {
  it("reads delay-seconds and HTTP dates, and nothing else", () => {
    const now = Date.UTC(2026, 0, 1);
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e6 }),
        fc.integer({ min: -1e6, max: 1e6 }),
        (seconds, offset) => {
          expect(retryAfterMs(` ${seconds} `, now)).toBe(seconds * 1000);
          const date = new Date(now + offset * 1000).toUTCString();
          expect(retryAfterMs(date, now)).toBe(Math.max(0, offset * 1000));
        },
      ),
    );
    for (const unreadable of [undefined, "", "soon", "-5", "1.5"]) {
      expect(retryAfterMs(unreadable, now)).toBeUndefined();
    }
  });

  it("a read told to wait a moment (429) waits and succeeds", async () => {
    const jenkins = clientFor(traffic({ sharing: false }));
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html429", retryAfter: "0", times: 1 });
    expect((await jenkins.getJob(["hello"])).fullName).toBe("hello");
    expect(sim.requests.map((request) => request.status)).toEqual([429, 200]);
  });

  it.each([
    ["html429", "120"],
    ["html503", new Date(Date.now() + 120_000).toUTCString()],
  ] as const)("a read told to wait long (%s) fails at once, saying how long", async (kind, retryAfter) => {
    const jenkins = clientFor(traffic({ sharing: false }));
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind, retryAfter, times: 1 });
    const error = await failure(jenkins.getJob(["hello"]));
    expect(error.kind).toBe("busy");
    expect(error.message).toMatch(
      /overloaded and refused reading job hello \((429|503)\); retry in about 1[12]\d s\./,
    );
    expect(sim.requests).toHaveLength(1);
  });

  it("a trigger told to wait (503) is never sent again", async () => {
    const jenkins = clientFor(traffic());
    sim.injectFault({
      match: { method: "POST", path: "/job/hello/build" },
      kind: "html503",
      retryAfter: "0",
    });
    const error = await failure(jenkins.triggerBuild(["hello"], undefined));
    expect(error.kind).toBe("busy");
    expect(error.message).toMatch(
      /check in Jenkins whether it took effect before trying again in about 1 s\./,
    );
    expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(1);
  });
});

describe("the request budget", () => {
  it("holds requests beyond it, refuses beyond its waiting line, and frees every slot", async () => {
    const budget = new RequestBudget(1, 1);
    const jenkins = clientFor(traffic({ budget, sharing: false }));
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "delay", delayMs: 100, times: 1 });
    const first = jenkins.getJob(["hello"]);
    const second = jenkins.listJobs(undefined, 0, 5);
    await sim.world.waitFor(() => budget.waiting === 1);
    const refused = await failure(jenkins.getBuild(["hello"], 1));
    expect(refused.kind).toBe("busy");
    expect(refused.message).toMatch(/^Jenkins is busy: 1 requests wait; retry in about \d+ s\.$/);
    await Promise.all([first, second]);
    await jenkins.logTail({ path: ["hello"], build: 1, lines: 5 });
    expect([budget.inUse, budget.waiting]).toEqual([0, 0]);
    expect(sim.requests.map((request) => request.path)).not.toContain("/jenkins/job/hello/1/api/json");
  });

  it("serves the waiting clients in turn, not in order of arrival", async () => {
    const budget = new RequestBudget(1, 100);
    const jenkins = clientFor(traffic({ budget, sharing: false }));
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "delay", delayMs: 100, times: 1 });
    const blocker = jenkins.getJob(["hello"]);
    await sim.world.waitFor(() => budget.inUse === 1);
    const greedy = [1, 2, 3].map((n) => onBehalfOf("greedy", () => jenkins.getBuild(["hello"], n)));
    const polite = onBehalfOf("polite", () => jenkins.getBuild(["hello"], 3));
    await Promise.all([blocker, ...greedy, polite]);
    const order = sim.requests.map((request) => request.path.replace(/.*\/job\/hello\//, ""));
    // After the first greedy request, the polite client's turn comes before the greedy rest.
    expect(order).toEqual(["api/json", "1/api/json", "3/api/json", "2/api/json", "3/api/json"]);
  });

  it("lets a waiting caller give up without taking a slot", async () => {
    const budget = new RequestBudget(1, 10);
    const jenkins = clientFor(traffic({ budget, sharing: false }));
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "delay", delayMs: 100, times: 1 });
    const blocker = jenkins.getJob(["hello"]);
    const gaveUp = new AbortController();
    const waiting = jenkins.getBuild(["hello"], 1, gaveUp.signal);
    await sim.world.waitFor(() => budget.waiting === 1);
    gaveUp.abort();
    expect((await failure(waiting)).message).toMatch(/cancelled while queued for reading build hello #1/);
    await blocker;
    expect([budget.inUse, budget.waiting]).toEqual([0, 0]);
    expect(reads("/job/hello/1/api/json")).toBe(0);
  });
});

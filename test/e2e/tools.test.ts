import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { expectRefused } from "./answers.js";
import { cliEnv, connectStdio, type McpSession, type ToolAnswer } from "./harness.js";

/**
 * The seven tools end to end: the built CLI spawned over stdio, driven by the v2 MCP client,
 * against the Jenkins simulator. Assertions read only what an assistant reads (tool results),
 * plus the simulator's request log to prove what was and was not sent.
 */
const admin = SIMULATOR_USERS.admin;

let sim: JenkinsSimulator;
let session: McpSession;

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ quietPeriodMs: 100, buildDurationMs: 200 });
  // Reads are not kept fresh here: each test's faults and request counts must meet Jenkins (the
  // reuse itself is tested in test/jenkins/traffic.test.ts).
  session = await connectStdio(
    cliEnv(sim.url, {
      JENKINS_USER: admin.id,
      JENKINS_API_TOKEN: admin.apiToken,
      JENKINS_READ_REUSE_MS: "0",
    }),
  );
});

afterAll(async () => {
  await session?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.clearRequests();
});

function posts(suffix: string): number {
  return sim.requests.filter((request) => request.method === "POST" && request.path.endsWith(suffix)).length;
}

async function call(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  return session.call(name, args);
}

describe("getJob", () => {
  it("reads a parameterized pipeline with its parameters, secrets masked", async () => {
    const answer = await call("getJob", { jobFullName: SEED_JOBS.api });
    expect(answer.isError).toBe(false);
    const job = answer.structured as Record<string, unknown>;
    expect(job).toMatchObject({
      name: "api",
      fullName: "team/backend/api",
      type: "pipeline",
      buildable: true,
      lastBuild: { number: 5, result: "SUCCESS", building: false },
      lastSuccessfulBuildNumber: 5,
      lastFailedBuildNumber: 4,
    });
    expect(job.parameters).toEqual([
      { name: "BRANCH", type: "string", default: "main", description: "Git branch to build" },
      { name: "DEPLOY", type: "boolean", default: false, description: "Deploy after the build" },
      {
        name: "ENV",
        type: "choice",
        default: "dev",
        choices: ["dev", "staging", "prod"],
        description: "Target environment",
      },
      { name: "API_TOKEN", type: "password", default: "****", description: "Token for the deploy API" },
    ]);
    expect(answer.text).toContain("ENV (choice one of dev|staging|prod");
    expect(answer.text).not.toContain("s3cr3t");
  });

  it("lists a folder's items and count", async () => {
    const answer = await call("getJob", { jobFullName: "team" });
    expect(answer.structured).toMatchObject({ type: "folder", jobCount: 2 });
    const children = ((answer.structured?.children ?? []) as Array<{ fullName: string }>).map(
      (child) => child.fullName,
    );
    expect(children).toEqual(["team/backend", "team/frontend"]);
  });

  it("resolves a multibranch branch given decoded or encoded", async () => {
    const decoded = await call("getJob", { jobFullName: "mb/feature/login" });
    const encoded = await call("getJob", { jobFullName: "mb/feature%2Flogin" });
    expect(decoded.isError, decoded.text).toBe(false);
    expect(decoded.structured?.fullName).toBe("mb/feature%2Flogin");
    expect(encoded.structured?.fullName).toBe("mb/feature%2Flogin");
  });

  it("says which job was not found, without HTML", async () => {
    expectRefused(
      await call("getJob", { jobFullName: "team/nope" }),
      /Job "team\/nope" was not found.*getJobs/,
    );
  });

  it.each(["../admin", "team/../x", "a//b", ""])("refuses %j before sending anything", async (name) => {
    const answer = await call("getJob", { jobFullName: name });
    expect(answer.isError).toBe(true);
    expect(sim.requests).toHaveLength(0);
  });
});

describe("getJobs", () => {
  it("lists the top level", async () => {
    const answer = await call("getJobs", {});
    const names = ((answer.structured?.jobs ?? []) as Array<{ fullName: string }>).map((job) => job.fullName);
    expect(names).toEqual(expect.arrayContaining(["hello", "team", "mb", "big-folder", "disabled-job"]));
    expect(answer.structured).toMatchObject({ skip: 0, limit: 50, nextSkip: null, total: names.length });
  });

  it("pages a 10,000-job folder, fetching only the page", async () => {
    const first = await call("getJobs", { parentFullName: "big-folder", limit: "50" });
    expect(first.structured).toMatchObject({ skip: 0, limit: 50, nextSkip: 50, total: null });
    expect(((first.structured?.jobs ?? []) as unknown[]).length).toBe(50);
    expect(((first.structured?.jobs ?? []) as unknown[])[0]).toEqual({
      name: "job-00000",
      fullName: "big-folder/job-00000",
      type: "freestyle",
      status: "notbuilt",
    });
    // Issue #8's context budget: text and structured content of a page of 50 together.
    expect(Buffer.byteLength(first.text) + Buffer.byteLength(JSON.stringify(first.structured))).toBeLessThan(
      6000,
    );
    const last = await call("getJobs", { parentFullName: "big-folder", skip: 9990, limit: 50 });
    expect(last.structured).toMatchObject({ nextSkip: null, total: 10_000 });
    expect(((last.structured?.jobs ?? []) as Array<{ name: string }>)[9]?.name).toBe("job-09999");
    const listing = sim.requests.filter((request) => request.path.endsWith("/job/big-folder/api/json"));
    for (const request of listing) expect(request.responseBytes).toBeLessThan(16 * 1024);
  });

  it("writes one line per kind of job, naming jobs relative to the folder", async () => {
    const answer = await call("getJobs", { parentFullName: "big-folder", skip: 9998, limit: 5 });
    expect(answer.text).toBe(
      "Jobs in big-folder (9999-10000 of 10000):\n- freestyle, notbuilt: job-09998, job-09999",
    );
  });

  it("refuses to list a job as a folder", async () => {
    expectRefused(await call("getJobs", { parentFullName: "hello" }), /not a folder/);
  });

  it("refuses a page size over 500 before sending anything", async () => {
    expect((await call("getJobs", { limit: 501 })).isError).toBe(true);
    expect(sim.requests).toHaveLength(0);
  });
});

describe("getBuild", () => {
  it("reads a failed build with tests, causes and masked secrets", async () => {
    const answer = await call("getBuild", { jobFullName: SEED_JOBS.api, buildNumber: "4" });
    expect(answer.structured).toMatchObject({
      jobFullName: "team/backend/api",
      number: 4,
      result: "FAILURE",
      building: false,
      durationMs: 95_000,
      causes: ["Started by user admin"],
      tests: { total: 120, failed: 2, skipped: 3 },
    });
    expect(answer.structured?.parameters).toContainEqual({ name: "API_TOKEN", value: "****" });
    expect(answer.structured?.parameters).toContainEqual({ name: "BRANCH", value: "release/2.0" });
    expect(Date.parse(String(answer.structured?.startedAt))).not.toBeNaN();
  });

  it("follows permalinks", async () => {
    const answer = await call("getBuild", { jobFullName: SEED_JOBS.api, buildNumber: "lastFailedBuild" });
    expect(answer.structured?.number).toBe(4);
  });

  it("never shows a password parameter's value", async () => {
    const answer = await call("getBuild", { jobFullName: SEED_JOBS.api, buildNumber: 5 });
    expect(JSON.stringify(answer)).not.toContain("rotated-token-value");
  });

  it("says which build was not found", async () => {
    expectRefused(
      await call("getBuild", { jobFullName: "hello", buildNumber: 999 }),
      /Build #999 of "hello" was not found/,
    );
  });

  it("refuses a build number that is neither a number nor a permalink", async () => {
    expect((await call("getBuild", { jobFullName: "hello", buildNumber: "latest" })).isError).toBe(true);
    expect(sim.requests).toHaveLength(0);
  });
});

describe("triggerBuild", () => {
  it("refuses an unknown parameter with the valid names, sending nothing", async () => {
    const answer = await call("triggerBuild", { jobFullName: SEED_JOBS.api, parameters: { BRANCHH: "x" } });
    expectRefused(answer, /has no parameter "BRANCHH"; its parameters are: BRANCH, DEPLOY, ENV, API_TOKEN/);
    expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
  });

  it("refuses a choice outside its choices with the allowed values", async () => {
    const answer = await call("triggerBuild", {
      jobFullName: SEED_JOBS.api,
      parameters: { ENV: "production" },
    });
    expectRefused(answer, /ENV must be one of "dev", "staging", "prod"/);
    expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
  });

  it("refuses a disabled job with the reason", async () => {
    expectRefused(await call("triggerBuild", { jobFullName: SEED_JOBS.disabled }), /disabled/);
    expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
  });

  it("triggers with converted parameters, once, and waits for the result", async () => {
    const progress: string[] = [];
    const answer = await session.call(
      "triggerBuild",
      {
        jobFullName: SEED_JOBS.api,
        parameters: { BRANCH: "main", DEPLOY: "yes", ENV: "staging" },
        waitFor: "finished",
      },
      { onProgress: (update) => progress.push(update.message ?? "") },
    );
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject({
      jobFullName: "team/backend/api",
      state: "finished",
      result: "SUCCESS",
      parameters: { BRANCH: "main", DEPLOY: "true", ENV: "staging" },
    });
    expect(answer.structured?.buildNumber).toBeGreaterThan(5);
    expect(posts("/job/api/buildWithParameters")).toBe(1);
    expect(progress.length).toBeGreaterThan(0);
    const build = await call("getBuild", {
      jobFullName: SEED_JOBS.api,
      buildNumber: answer.structured?.buildNumber,
    });
    expect(build.structured?.parameters).toContainEqual({ name: "DEPLOY", value: true });
  });

  it("triggers a job without parameters through /build and reports its number", async () => {
    const answer = await call("triggerBuild", { jobFullName: "hello", waitFor: "started" });
    expect(answer.structured).toMatchObject({ state: "started", jobFullName: "hello" });
    expect(answer.structured?.buildUrl).toMatch(/\/job\/hello\/\d+\/$/);
    expect(posts("/job/hello/build")).toBe(1);
    expect(posts("buildWithParameters")).toBe(0);
  });

  it("refuses parameters for a job that takes none", async () => {
    expectRefused(
      await call("triggerBuild", { jobFullName: "hello", parameters: { X: 1 } }),
      /takes no parameters/,
    );
  });

  it("triggers a multibranch branch named decoded", async () => {
    const answer = await call("triggerBuild", { jobFullName: "mb/feature/login", waitFor: "started" });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured?.jobFullName).toBe("mb/feature%2Flogin");
    expect(posts("/job/feature%252Flogin/build")).toBe(1);
  });

  it("stops waiting when the client cancels, having sent the trigger once", async () => {
    const controller = new AbortController();
    const pending = session.call(
      "triggerBuild",
      { jobFullName: SEED_JOBS.slow, waitFor: "started", timeoutSeconds: 30 },
      { signal: controller.signal, onProgress: () => controller.abort("the person clicked Stop") },
    );
    await expect(pending).rejects.toThrow();
    expect(posts("/job/slow/build")).toBe(1);
    // The server is still there for the next call, and the queued build can be cancelled.
    const queued = sim.world.queue.find((item) => item.job.fullName === "slow");
    expect(queued).toBeDefined();
    expect((await call("cancelQueueItem", { queueItemId: queued?.id })).isError).toBe(false);
  });

  it("answers timedOut, not an error, when the wait runs out", async () => {
    const answer = await call("triggerBuild", {
      jobFullName: SEED_JOBS.slow,
      waitFor: "started",
      timeoutSeconds: 1,
    });
    expect(answer.structured).toMatchObject({ state: "timedOut" });
    expect(answer.text).toMatch(/still waiting.*cancelQueueItem/);
    await call("cancelQueueItem", { queueItemId: answer.structured?.queueItemId });
  });
});

describe("getBuildLog", () => {
  it("returns the last lines by default, ANSI colours removed", async () => {
    const answer = await call("getBuildLog", { jobFullName: SEED_JOBS.api, buildNumber: 4, limit: 5 });
    expect(answer.isError, answer.text).toBe(false);
    const text = String(answer.structured?.text);
    expect(text.split("\n")).toHaveLength(5);
    expect(text).toContain("Finished: FAILURE");
    expect(text).not.toContain("\u001b");
    expect(answer.structured).toMatchObject({
      lineCount: 5,
      building: false,
      hasMoreBefore: true,
      hasMoreAfter: false,
    });
  });

  it("reads the tail of a 200 MB log moving only kilobytes", async () => {
    const answer = await call("getBuildLog", { jobFullName: SEED_JOBS.bigLog, limit: 100 });
    expect(answer.structured?.lineCount).toBe(100);
    expect(Number(answer.structured?.totalBytes)).toBeGreaterThan(190_000_000);
    const moved = sim.requests.reduce((sum, request) => sum + request.responseBytes, 0);
    expect(moved).toBeLessThan(256 * 1024);
  });

  it("pages forward with cursors and joins back to the whole log", async () => {
    const whole = await call("getBuildLog", { jobFullName: "hello", buildNumber: 3, skip: 0, limit: 5000 });
    const lines: string[] = [];
    let answer = await call("getBuildLog", { jobFullName: "hello", buildNumber: 3, skip: 0, limit: 3 });
    for (let page = 0; page < 20; page++) {
      lines.push(...String(answer.structured?.text).split("\n"));
      if (!answer.structured?.nextCursor) break;
      answer = await call("getBuildLog", {
        jobFullName: "hello",
        buildNumber: 3,
        cursor: answer.structured.nextCursor,
        limit: 3,
      });
    }
    expect(lines.join("\n")).toBe(whole.structured?.text);
    expect(answer.structured?.hasMoreAfter).toBe(false);
  });

  it("follows a running build, returning only new output", async () => {
    const started = await call("triggerBuild", { jobFullName: SEED_JOBS.longRunning, waitFor: "started" });
    const number = started.structured?.buildNumber;
    const first = await call("getBuildLog", {
      jobFullName: SEED_JOBS.longRunning,
      buildNumber: number,
      limit: 5000,
    });
    expect(first.structured?.building).toBe(true);
    expect(first.structured?.nextCursor).toBeTruthy();
    const seen = String(first.structured?.text);
    let next: ToolAnswer | undefined;
    // The build writes a line every few milliseconds: poll until the cursor shows something new.
    for (let poll = 0; poll < 200 && !next?.structured?.text; poll++) {
      next = await call("getBuildLog", {
        jobFullName: SEED_JOBS.longRunning,
        buildNumber: number,
        cursor: first.structured?.nextCursor,
      });
    }
    const fresh = String(next?.structured?.text);
    expect(fresh).not.toBe("");
    expect(seen.endsWith(fresh)).toBe(false);
    await call("triggerBuild", { jobFullName: "hello" });
  });

  it.each([
    [{ skip: 1, cursor: "x" }, /either skip or cursor/],
    [{ limit: 0 }, /limit must not be 0/],
    [{ cursor: "garbage" }, /cursor is not one this server gave out/],
    [{ limit: 5001 }, /5000/],
  ])("refuses %j clearly", async (args, message) => {
    expectRefused(await call("getBuildLog", { jobFullName: "hello", ...args }), message);
  });
});

describe("cancelQueueItem", () => {
  it("cancels a waiting build", async () => {
    const queued = await call("triggerBuild", { jobFullName: SEED_JOBS.slow });
    const answer = await call("cancelQueueItem", { queueItemId: String(queued.structured?.queueItemId) });
    expect(answer.structured).toEqual({
      queueItemId: queued.structured?.queueItemId,
      cancelled: true,
      jobFullName: "slow",
    });
    expect(posts("/queue/cancelItem")).toBe(1);
  });

  it("refuses an item that already started, naming the build", async () => {
    const started = await call("triggerBuild", { jobFullName: "hello", waitFor: "started" });
    const answer = await call("cancelQueueItem", { queueItemId: started.structured?.queueItemId });
    expectRefused(answer, new RegExp(`already started as hello #${started.structured?.buildNumber}.*stop`));
    expect(posts("/queue/cancelItem")).toBe(0);
  });

  it("says an unknown id is unknown", async () => {
    expectRefused(await call("cancelQueueItem", { queueItemId: 987654 }), /Queue item 987654 is unknown/);
  });
});

describe("createJob", () => {
  it("creates a sandboxed pipeline job inside a folder", async () => {
    const answer = await call("createJob", {
      jobFullName: "team/nightly",
      pipelineScript: "pipeline { agent any; stages { stage('t') { steps { echo 'hi' } } } }",
      description: "Nightly <checks> & more",
    });
    expect(answer.structured).toMatchObject({ fullName: "team/nightly", type: "pipeline" });
    const job = await call("getJob", { jobFullName: "team/nightly" });
    expect(job.structured?.description).toBe("Nightly <checks> & more");
  });

  it("copies an existing job", async () => {
    const answer = await call("createJob", { jobFullName: "hello-copy", copyFrom: "hello" });
    expect(answer.structured).toMatchObject({ fullName: "hello-copy", type: "freestyle" });
  });

  it("creates from config.xml", async () => {
    const answer = await call("createJob", {
      jobFullName: "from-xml",
      configXml: "<project><description>made from xml</description><builders/></project>",
    });
    expect(answer.structured).toMatchObject({ fullName: "from-xml", type: "freestyle" });
  });

  it("gives Jenkins' reason when the name exists", async () => {
    expectRefused(await call("createJob", { jobFullName: "hello", pipelineScript: "x" }), /already exists/);
  });

  it("says a missing parent folder is missing", async () => {
    expectRefused(
      await call("createJob", { jobFullName: "no-such-folder/x", pipelineScript: "x" }),
      /"no-such-folder" was not found/,
    );
  });

  it.each([
    [{ jobFullName: "bad-xml", configXml: "<project><oops></project>" }, /not well-formed XML/],
    [{ jobFullName: "two", pipelineScript: "x", copyFrom: "hello" }, /exactly one of/],
    [{ jobFullName: "none" }, /exactly one of/],
    [{ jobFullName: "bad!name", pipelineScript: "x" }, /contains "!"/],
  ])("refuses %j before sending anything", async (args, message) => {
    expectRefused(await call("createJob", args), message);
    expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
  });
});

describe("Jenkins faults", () => {
  it("explains a 5xx HTML page in one sentence and retries reads", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html500" });
    const answer = await call("getJob", { jobFullName: "hello" });
    expectRefused(answer, /Jenkins failed with 500.*try again/);
    expect(sim.requests.filter((request) => request.path === "/job/hello/api/json")).toHaveLength(1);
    sim.clearFaults();
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html503", times: 1 });
    expect((await call("getJob", { jobFullName: "hello" })).isError).toBe(false);
  });

  it("recovers from a connection reset on a read", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "reset", times: 1 });
    expect((await call("getJob", { jobFullName: "hello" })).isError).toBe(false);
  });

  it("says an SSO proxy is in the way", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "sso-redirect" });
    expectRefused(
      await call("getJob", { jobFullName: "hello" }),
      /single sign-on proxy.*direct Jenkins address/,
    );
  });

  it("says when the URL is not Jenkins", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "no-x-jenkins" });
    expectRefused(await call("getJob", { jobFullName: "hello" }), /does not look like Jenkins/);
  });

  it("never re-sends a trigger after a reset", async () => {
    sim.injectFault({
      match: { method: "POST", path: "/job/hello/build" },
      kind: "reset",
      afterHandling: true,
    });
    const answer = await call("triggerBuild", { jobFullName: "hello" });
    expectRefused(answer, /may have reached Jenkins: check whether it took effect/);
    expect(posts("/job/hello/build")).toBe(1);
  });
});

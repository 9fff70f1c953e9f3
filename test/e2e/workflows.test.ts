import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, NIGHTLY_LOG_LINES, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { GrowingLog } from "../../simulator/logs.js";
import { Build } from "../../simulator/world.js";
import { expectOk, expectRefused } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * The workflow tools end to end, over stdio (the spawned CLI) and HTTP (the server in process),
 * against the Jenkins simulator: normal paths, bad input (refused before anything is sent) and
 * Jenkins faults (one sentence, no HTML). Waiting for the simulator happens on its own clock.
 */
const SECRET = "hunter2-do-not-show";

/** A finished build with the given log, added straight to the simulated world. */
function addFinishedBuild(sim: JenkinsSimulator, name: string, log: string): void {
  const job = sim.world.addJob(name, {});
  const build = new Build(job, job.nextBuildNumber++, sim.world.allocateQueueId(), Date.now(), [], null);
  build.log = new GrowingLog(log);
  build.result = "FAILURE";
  job.builds.push(build);
}

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  const call = (name: string, args: Record<string, unknown>) => session.call(name, args);
  const posts = (suffix: string) =>
    sim.requests.filter((request) => request.method === "POST" && request.path.endsWith(suffix)).length;

  /** Starts a build through triggerBuild and answers its number once it runs. */
  async function started(job: string): Promise<number> {
    const answer = await call("triggerBuild", { jobFullName: job, waitFor: "started" });
    return Number(expectOk(answer).buildNumber);
  }

  function simBuild(job: string, number: number): Build {
    const build = sim.world.getJob(job).getBuild(number);
    if (!build) throw new Error(`no build ${job} #${number}`);
    return build;
  }

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20, buildDurationMs: 100 });
    addFinishedBuild(sim, "secrets", `deploying with password=${SECRET}\nFinished: SUCCESS\n`);
    addFinishedBuild(sim, "backtracking", `${"a".repeat(5000)}\n${"a".repeat(40)}!\nFinished: FAILURE\n`);
    session = await openSession(transport, sim.url);
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  describe("searchJobs", () => {
    it("finds a nested job by words of its name, best match first", async () => {
      const answer = await call("searchJobs", { query: "deploy api" });
      const result = expectOk(answer);
      expect(result.jobs).toEqual([
        {
          name: "deploy-api",
          fullName: SEED_JOBS.deployApi,
          displayName: "deploy-api",
          type: "pipeline",
          status: "blue",
        },
      ]);
      expect(answer.text).toContain("- team/backend/deploy-api (pipeline, blue)");
    });

    it("puts an exact name first, and finds branches by their display name", async () => {
      const api = expectOk(await call("searchJobs", { query: "api" }));
      expect((api.jobs as Array<{ fullName: string }>)[0]?.fullName).toBe(SEED_JOBS.api);
      const branch = expectOk(await call("searchJobs", { query: "feature login" }));
      expect(branch.jobs).toEqual([expect.objectContaining({ fullName: SEED_JOBS.mbFeature })]);
    });

    it("searches 10,000 jobs with one request after naming the folder, and the next from its cache", async () => {
      const started = performance.now();
      const parentFullName = SEED_JOBS.bigFolder;
      const first = expectOk(await call("searchJobs", { query: "job-09999", parentFullName }));
      expect(performance.now() - started).toBeLessThan(3000);
      expect(first.jobs).toEqual([expect.objectContaining({ fullName: "big-folder/job-09999" })]);
      const again = expectOk(await call("searchJobs", { query: "job-0000", parentFullName, limit: 5 }));
      expect(again).toMatchObject({ total: 10, jobs: expect.any(Array) });
      expect((again.jobs as unknown[]).length).toBe(5);
      expect(sim.requests.map((request) => request.query.get("tree"))).toEqual([
        "_class,fullName",
        expect.stringMatching(/^_class,jobs\[/),
      ]);
    });

    it("searches below one folder only", async () => {
      const result = expectOk(await call("searchJobs", { query: "api", parentFullName: "team/backend" }));
      expect((result.jobs as Array<{ fullName: string }>).map((job) => job.fullName)).toEqual([
        SEED_JOBS.api,
        SEED_JOBS.deployApi,
      ]);
    });

    it.each([
      [{ query: " - " }, /query has no words/],
      [{ query: "api", parentFullName: "hello" }, /"hello" is a freestyle job, not a folder/],
      [{ query: "x", limit: 101 }, /100/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("searchJobs", args), message);
    });

    it("finds nothing as an answer, not an error, and says what to try", async () => {
      const answer = await call("searchJobs", { query: "no such thing anywhere" });
      expect(answer.isError).toBe(false);
      expect(answer.structured).toMatchObject({ jobs: [], total: 0 });
      expect(answer.text).toMatch(/No job below the top level has every word.*getJobs/);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/job/team/api/json" }, kind: "html500" });
      expectRefused(
        await call("searchJobs", { query: "web", parentFullName: "team" }),
        /Jenkins failed with 500/,
      );
    });
  });

  describe("getBuilds", () => {
    it("lists the recent builds newest first, with results, times and causes", async () => {
      const answer = await call("getBuilds", { jobFullName: SEED_JOBS.api, limit: 2 });
      const result = expectOk(answer);
      expect(result).toMatchObject({ jobFullName: SEED_JOBS.api, hasMore: true });
      expect(result.builds).toEqual([
        expect.objectContaining({ number: 5, result: "SUCCESS", building: false, durationMs: 181_000 }),
        expect.objectContaining({ number: 4, result: "FAILURE", causes: ["Started by user admin"] }),
      ]);
      expect(answer.text).toMatch(/#4 FAILURE, started .*, 95 s \(Started by user admin\)/);
    });

    it.each([
      [{ jobFullName: "team" }, /has no builds of its own/],
      [{ jobFullName: "team/nope" }, /Job "team\/nope" was not found/],
      [{ jobFullName: "../x" }, /not allowed/],
      [{ jobFullName: "hello", limit: 0 }, /1/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("getBuilds", args), message);
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html500" });
      expectRefused(await call("getBuilds", { jobFullName: "hello" }), /Jenkins failed with 500/);
    });
  });

  describe("getQueue and getQueueItem", () => {
    it("shows what waits and why, then what the item became", async () => {
      const queued = expectOk(await call("triggerBuild", { jobFullName: SEED_JOBS.slow }));
      const id = queued.queueItemId;
      const queue = expectOk(await call("getQueue", {}));
      expect(queue.items).toContainEqual(
        expect.objectContaining({ id, jobFullName: SEED_JOBS.slow, state: "queued", blocked: false }),
      );
      const item = await call("getQueueItem", { queueItemId: id });
      expect(expectOk(item)).toMatchObject({ id, state: "queued", buildNumber: null });
      expect(item.text).toMatch(/waits since .*: In the quiet period/);
      expectOk(await call("cancelQueueItem", { queueItemId: id }));
      expect(expectOk(await call("getQueueItem", { queueItemId: id }))).toMatchObject({ state: "cancelled" });
    });

    it("gives the build number of an item that started", async () => {
      const trigger = expectOk(await call("triggerBuild", { jobFullName: "hello", waitFor: "started" }));
      const item = expectOk(await call("getQueueItem", { queueItemId: trigger.queueItemId }));
      expect(item).toMatchObject({
        state: "started",
        jobFullName: "hello",
        buildNumber: trigger.buildNumber,
      });
    });

    it.each([
      [{ queueItemId: 987654 }, /Queue item 987654 is unknown/],
      [{ queueItemId: "x" }, /whole number/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("getQueueItem", args), message);
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({ match: { path: "/queue/api/json" }, kind: "html500" });
      expectRefused(await call("getQueue", {}), /Jenkins failed with 500/);
      sim.injectFault({ match: { path: /^\/queue\/item\/\d+\/api\/json$/ }, kind: "html500" });
      expectRefused(await call("getQueueItem", { queueItemId: 1 }), /Jenkins failed with 500/);
    });
  });

  describe("stopBuild", () => {
    it("aborts a running build and reports its result", async () => {
      const number = await started(SEED_JOBS.longRunning);
      const answer = await call("stopBuild", { jobFullName: SEED_JOBS.longRunning, buildNumber: number });
      expect(expectOk(answer)).toEqual({
        jobFullName: SEED_JOBS.longRunning,
        buildNumber: number,
        stopped: true,
        building: false,
        result: "ABORTED",
        sent: ["stop"],
      });
      expect(answer.text).toBe(`Stopped ${SEED_JOBS.longRunning} #${number}: ABORTED (sent /stop).`);
    });

    it("says when a pipeline ignores /stop, and escalates to /term when asked", async () => {
      const number = await started(SEED_JOBS.stubborn);
      const asked = await call("stopBuild", {
        jobFullName: SEED_JOBS.stubborn,
        buildNumber: number,
        waitSeconds: 1,
      });
      expect(expectOk(asked)).toMatchObject({ stopped: false, building: true, sent: ["stop"] });
      expect(asked.text).toMatch(/still running after 1 s; .*escalate: true/);
      const forced = await call("stopBuild", {
        jobFullName: SEED_JOBS.stubborn,
        buildNumber: number,
        escalate: true,
        waitSeconds: 1,
      });
      expect(expectOk(forced)).toMatchObject({ stopped: true, result: "ABORTED", sent: ["stop", "term"] });
      expect(posts(`/${number}/kill`)).toBe(0);
    });

    it("sends nothing for a build that already finished", async () => {
      const answer = await call("stopBuild", { jobFullName: "hello", buildNumber: 3 });
      expect(expectOk(answer)).toMatchObject({ stopped: false, result: "SUCCESS", sent: [] });
      expect(answer.text).toMatch(/is not running .*nothing was sent/);
      expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
    });

    it.each([
      [{ jobFullName: "hello" }, /buildNumber/],
      [{ jobFullName: "hello", buildNumber: "latest" }, /buildNumber/],
      [{ jobFullName: "hello", buildNumber: 999 }, /Build #999 of "hello" was not found/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("stopBuild", args), message);
      expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
    });

    it("never sends /stop twice after a reset", async () => {
      const number = await started(SEED_JOBS.longRunning);
      sim.injectFault({
        match: { method: "POST", path: /\/stop$/ },
        kind: "reset",
        afterHandling: true,
        times: 1,
      });
      const answer = await call("stopBuild", { jobFullName: SEED_JOBS.longRunning, buildNumber: number });
      expectRefused(answer, /may have reached Jenkins: check whether it took effect/);
      expect(posts("/stop")).toBe(1);
    });
  });

  describe("searchBuildLog", () => {
    it("finds lines with their numbers and context", async () => {
      const answer = await call("searchBuildLog", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 4,
        pattern: "() failed",
        contextLines: 1,
      });
      const result = expectOk(answer);
      expect(result).toMatchObject({ complete: true, stoppedBy: null });
      const matches = result.matches as Array<{
        lineNumber: number;
        line: string;
        before: string[];
        after: string[];
      }>;
      expect(matches.map((match) => match.line)).toEqual([
        "ApiControllerTest > rejectsExpiredToken() FAILED",
        "ApiControllerTest > listsProjects() FAILED",
      ]);
      expect(matches[0]?.after).toEqual([
        "    org.opentest4j.AssertionFailedError: expected: <401> but was: <500>",
      ]);
      const line = matches[0]?.lineNumber ?? 0;
      expect(answer.text).toContain(`${line}: ApiControllerTest > rejectsExpiredToken() FAILED`);
      expect(answer.text).toContain(`${line + 1}-     org.opentest4j`);
      const log = expectOk(
        await call("getBuildLog", { jobFullName: SEED_JOBS.api, buildNumber: 4, skip: line - 1, limit: 1 }),
      );
      expect(log.text).toBe("ApiControllerTest > rejectsExpiredToken() FAILED");
    });

    it("matches a regular expression, case-sensitively when asked", async () => {
      const regex = expectOk(
        await call("searchBuildLog", {
          jobFullName: SEED_JOBS.api,
          buildNumber: 4,
          pattern: "expected: <\\d+> but was: <5\\d\\d>",
          useRegex: true,
          contextLines: 0,
        }),
      );
      expect(regex.matches).toHaveLength(1);
      const search = (pattern: string, ignoreCase: boolean) =>
        call("searchBuildLog", { jobFullName: SEED_JOBS.api, buildNumber: 4, pattern, ignoreCase });
      expect(expectOk(await search("build FAILED", true)).matches).toEqual([
        expect.objectContaining({ line: "FAILURE: Build failed with an exception." }),
      ]);
      expect(expectOk(await search("build FAILED", false)).matches).toEqual([]);
    });

    it("stops reading a 200 MB log once it has maxMatches", async () => {
      const result = expectOk(
        await call("searchBuildLog", { jobFullName: SEED_JOBS.bigLog, pattern: "ERROR", maxMatches: 2 }),
      );
      expect(result).toMatchObject({ complete: false, stoppedBy: "maxMatches" });
      const [first, second] = result.matches as Array<{ lineNumber: number; line: string }>;
      expect(first?.line).toMatch(/^Line 000100000: ERROR /);
      expect((second?.lineNumber ?? 0) - (first?.lineNumber ?? 0)).toBe(100_000);
      const moved = sim.requests.reduce((sum, request) => sum + request.responseBytes, 0);
      expect(moved).toBeLessThan(60 * 1024 * 1024);
    });

    it("masks secrets in what it shows", async () => {
      const answer = await call("searchBuildLog", { jobFullName: "secrets", pattern: "password" });
      expect(JSON.stringify(answer)).not.toContain(SECRET);
      expect(answer.text).toContain("password=****");
    });

    it("stops a regex that backtracks for ever, saying why", async () => {
      const started = performance.now();
      const answer = await call("searchBuildLog", {
        jobFullName: "backtracking",
        pattern: "(a+)+$",
        useRegex: true,
      });
      expectRefused(answer, /backtracks too much/);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect((await call("getJob", { jobFullName: "hello" })).isError).toBe(false);
    });

    it.each([
      [{ pattern: "(unclosed", useRegex: true }, /not a valid JavaScript regular expression/],
      [{ pattern: "" }, /pattern/],
      [{ pattern: "x", maxMatches: 501 }, /500/],
      [{ pattern: "x", contextLines: 11 }, /10/],
    ])("refuses %j before reading anything", async (args, message) => {
      expectRefused(await call("searchBuildLog", { jobFullName: "hello", ...args }), message);
      expect(sim.requests).toHaveLength(0);
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({ match: { path: "/job/hello/3/consoleText" }, kind: "html500" });
      expectRefused(
        await call("searchBuildLog", { jobFullName: "hello", buildNumber: 3, pattern: "x" }),
        /Jenkins failed with 500/,
      );
    });
  });

  describe("getTestResults", () => {
    it("gives the counts and the failing tests with their errors", async () => {
      const answer = await call("getTestResults", { jobFullName: SEED_JOBS.api, buildNumber: 4 });
      const result = expectOk(answer);
      expect(result).toMatchObject({ total: 120, passed: 115, failed: 2, skipped: 3, omitted: 0 });
      expect(result.tests).toEqual([
        expect.objectContaining({
          name: "rejectsExpiredToken()",
          status: "FAILED",
          error: "expected: <401> but was: <500>",
        }),
        expect.objectContaining({ name: "listsProjects()", status: "REGRESSION" }),
      ]);
      expect(answer.text).toMatch(/120 tests, 2 failed, 3 skipped/);
    });

    it("lists every test when asked, failing first, cut to fit", async () => {
      const result = expectOk(
        await call("getTestResults", { jobFullName: SEED_JOBS.nightly, onlyFailingTests: false }),
      );
      const tests = result.tests as Array<{ status: string }>;
      expect(tests.length).toBeLessThanOrEqual(100);
      expect(tests[0]?.status).toBe("FAILED");
      expect(Number(result.omitted)).toBe(4022 - tests.length);
    });

    it.each([
      [{ jobFullName: "hello", buildNumber: 3 }, /has no test results: it published no JUnit report/],
      [{ jobFullName: SEED_JOBS.api, buildNumber: "first" }, /buildNumber/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("getTestResults", args), message);
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({
        match: { path: "/job/team/job/backend/job/api/4/testReport/api/json" },
        kind: "html500",
      });
      expectRefused(
        await call("getTestResults", { jobFullName: SEED_JOBS.api, buildNumber: 4 }),
        /Jenkins failed with 500/,
      );
    });
  });

  describe("getFailureSummary", () => {
    it("says why a build failed: stage, tests, error lines and history, in a small answer", async () => {
      const answer = await call("getFailureSummary", { jobFullName: SEED_JOBS.api, buildNumber: 4 });
      const result = expectOk(answer);
      expect(result).toMatchObject({
        result: "FAILURE",
        causes: ["Started by user admin"],
        failedStage: { name: "Test", status: "FAILED" },
        tests: { total: 120, failed: 2, skipped: 3 },
        failingSince: { build: 3, lastSuccess: 2 },
        notScanned: null,
      });
      expect(JSON.stringify(result.errors)).toContain("rejectsExpiredToken() FAILED");
      expect(answer.text).toMatch(/^Stage "Test" FAILED$/m);
      expect(answer.text).toMatch(/^\d+ ApiControllerTest > rejectsExpiredToken\(\) FAILED$/m);
      expect(Buffer.byteLength(answer.text) + Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(
        2000,
      );
      expect(answer.links).toEqual(["jenkins://job/team/backend/api/build/4/log"]);
    });

    it("reads a 200 MB log within its budget, says what it left, and quotes the end", async () => {
      const answer = await call("getFailureSummary", { jobFullName: SEED_JOBS.nightly });
      const result = expectOk(answer);
      expect(Buffer.byteLength(answer.text) + Buffer.byteLength(JSON.stringify(result))).toBeLessThanOrEqual(
        2000,
      );
      expect(result).toMatchObject({
        failedStage: { name: "Test" },
        tests: { failed: 2 },
        notScanned: expect.stringMatching(
          /^Read the first \d+ lines \(\d+ MB\) and the last 2000 before the time limit/,
        ),
        errors: [
          {
            log: "build",
            line: null,
            lines: expect.arrayContaining(["ApiControllerTest > rejectsExpiredToken() FAILED"]),
          },
        ],
      });
      expect(sim.world.getJob(SEED_JOBS.nightly).getBuild(1)?.log.length()).toBeGreaterThan(
        NIGHTLY_LOG_LINES * 100,
      );
      // The forward read stops at its budget: the log is never read whole.
      const moved = sim.requests.reduce((sum, request) => sum + request.responseBytes, 0);
      expect(moved).toBeLessThan(NIGHTLY_LOG_LINES * 100);
    });

    it("has nothing to diagnose in a success, nor yet in a running build", async () => {
      expect((await call("getFailureSummary", { jobFullName: "hello" })).text).toMatch(/nothing to diagnose/);
      const number = await started(SEED_JOBS.longRunning);
      const running = await call("getFailureSummary", {
        jobFullName: SEED_JOBS.longRunning,
        buildNumber: number,
      });
      expect(running.text).toMatch(/still running/);
      await call("stopBuild", { jobFullName: SEED_JOBS.longRunning, buildNumber: number });
    });

    it.each([
      [{ jobFullName: "hello", buildNumber: 999 }, /Build #999 of "hello" was not found/],
      [{ jobFullName: "" }, /jobFullName/],
    ])("refuses %j clearly", async (args, message) => {
      expectRefused(await call("getFailureSummary", args), message);
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({ match: { path: /\/4\/api\/json$/ }, kind: "html500" });
      expectRefused(
        await call("getFailureSummary", { jobFullName: SEED_JOBS.api, buildNumber: 4 }),
        /Jenkins failed with 500/,
      );
    });
  });

  describe("getPendingInputs and answerInput", () => {
    async function waiting(job: string): Promise<number> {
      const number = await started(job);
      await sim.world.waitFor(() => simBuild(job, number).pendingInput !== null);
      return number;
    }

    it("lists the input a pipeline waits for and proceeds with parameters", async () => {
      const number = await waiting(SEED_JOBS.deploy);
      const inputs = await call("getPendingInputs", { jobFullName: SEED_JOBS.deploy, buildNumber: number });
      expect(expectOk(inputs).inputs).toEqual([
        {
          inputId: "Approve",
          message: "Deploy to production?",
          proceedText: "Deploy",
          parameters: [
            {
              name: "TARGET",
              type: "choice",
              default: "staging",
              choices: ["staging", "prod"],
              description: "Where to deploy",
            },
            { name: "REASON", type: "string", default: "", description: "Why now" },
          ],
        },
      ]);
      expect(inputs.text).toContain('"Deploy to production?" (inputId Approve; proceed is "Deploy")');
      const answer = await call("answerInput", {
        jobFullName: SEED_JOBS.deploy,
        buildNumber: number,
        inputId: "approve",
        action: "proceed",
        parameters: { TARGET: "prod" },
      });
      expect(expectOk(answer)).toMatchObject({
        inputId: "Approve",
        action: "proceed",
        parameters: { TARGET: "prod" },
      });
      await sim.world.waitFor(() => !simBuild(SEED_JOBS.deploy, number).building);
      expect(simBuild(SEED_JOBS.deploy, number).result).toBe("SUCCESS");
      expect(posts(`/${number}/input/Approve/proceed`)).toBe(1);
    });

    it("aborts, which ends the build", async () => {
      const number = await waiting(SEED_JOBS.release);
      const answer = await call("answerInput", {
        jobFullName: SEED_JOBS.release,
        buildNumber: number,
        inputId: "Release",
        action: "abort",
      });
      expect(answer.text).toMatch(/the build ends ABORTED/);
      expect(simBuild(SEED_JOBS.release, number).result).toBe("ABORTED");
      const finished = expectOk(
        await call("getPendingInputs", { jobFullName: SEED_JOBS.release, buildNumber: number }),
      );
      expect(finished).toMatchObject({ building: false, inputs: [] });
    });

    it("refuses wrong answers before anything is sent", async () => {
      const number = await waiting(SEED_JOBS.deploy);
      const base = { jobFullName: SEED_JOBS.deploy, buildNumber: number };
      sim.clearRequests();
      expectRefused(
        await call("answerInput", { ...base, inputId: "Nope", action: "proceed" }),
        /has no waiting input "Nope"; the waiting ones are: "Approve"/,
      );
      expectRefused(
        await call("answerInput", {
          ...base,
          inputId: "Approve",
          action: "proceed",
          parameters: { TARGET: "moon" },
        }),
        /TARGET must be one of "staging", "prod"/,
      );
      expectRefused(
        await call("answerInput", {
          ...base,
          inputId: "Approve",
          action: "abort",
          parameters: { TARGET: "prod" },
        }),
        /parameters go with proceed only/,
      );
      expectRefused(await call("answerInput", { ...base, inputId: "Approve", action: "maybe" }), /action/);
      expect(sim.requests.filter((request) => request.method === "POST")).toHaveLength(0);
      expectOk(await call("answerInput", { ...base, inputId: "Approve", action: "abort" }));
    });

    it("says a finished build waits for nothing, and refuses a build that is no number", async () => {
      expectRefused(
        await call("getPendingInputs", { jobFullName: SEED_JOBS.release, buildNumber: "next" }),
        /buildNumber/,
      );
      expectRefused(
        await call("answerInput", {
          jobFullName: SEED_JOBS.api,
          buildNumber: 4,
          inputId: "x",
          action: "proceed",
        }),
        /is not waiting for any input; nothing was sent/,
      );
    });

    it("explains a Jenkins failure", async () => {
      const number = await waiting(SEED_JOBS.release);
      sim.injectFault({ match: { path: /wfapi\/pendingInputActions$/ }, kind: "html500" });
      expectRefused(
        await call("getPendingInputs", { jobFullName: SEED_JOBS.release, buildNumber: number }),
        /Jenkins failed with 500/,
      );
      sim.clearFaults();
      sim.injectFault({
        match: { method: "POST", path: /\/input\/Release\/proceedEmpty$/ },
        kind: "html500",
        times: 1,
      });
      expectRefused(
        await call("answerInput", {
          jobFullName: SEED_JOBS.release,
          buildNumber: number,
          inputId: "Release",
          action: "proceed",
        }),
        /Jenkins failed with 500.*check in Jenkins whether it took effect/,
      );
      expectOk(
        await call("answerInput", {
          jobFullName: SEED_JOBS.release,
          buildNumber: number,
          inputId: "Release",
          action: "proceed",
        }),
      );
    });
  });

  describe("whoAmI and getStatus", () => {
    it("says who the server acts as", async () => {
      const answer = await call("whoAmI", {});
      expect(expectOk(answer)).toMatchObject({
        user: "admin",
        anonymous: false,
        client: transport === "stdio" ? "stdio" : "default",
      });
      expect(answer.text).toMatch(/acts as Jenkins user "admin"/);
    });

    it("says how Jenkins is doing", async () => {
      sim.world.quietingDown = true;
      sim.world.quietDownReason = "upgrade at noon";
      try {
        const answer = await call("getStatus", {});
        expect(expectOk(answer)).toMatchObject({
          version: "2.541.1",
          quietingDown: true,
          quietDownReason: "upgrade at noon",
          executors: { total: 2 },
          nodes: { total: 2, offline: [{ name: "agent-1", reason: null }] },
        });
        expect(answer.text).toMatch(/Quiet mode: no new builds start \(upgrade at noon\)/);
      } finally {
        sim.world.quietingDown = false;
        sim.world.quietDownReason = null;
      }
    });

    it("explains a Jenkins failure", async () => {
      sim.injectFault({ match: { path: "/whoAmI/api/json" }, kind: "html500" });
      expectRefused(await call("whoAmI", {}), /Jenkins failed with 500/);
      sim.injectFault({ match: { path: "/computer/api/json" }, kind: "html500" });
      expectRefused(await call("getStatus", {}), /Jenkins failed with 500/);
    });
  });

  describe("resources", () => {
    it("reads a job as JSON and the end of a build's log as text", async () => {
      const job = await session.client.readResource({ uri: "jenkins://job/team/backend/api" });
      const content = job.contents[0] as { mimeType?: string; text?: string };
      expect(content.mimeType).toBe("application/json");
      expect(JSON.parse(content.text ?? "{}")).toMatchObject({ fullName: SEED_JOBS.api, type: "pipeline" });
      const log = await session.client.readResource({ uri: "jenkins://job/team/backend/api/build/4/log" });
      expect((log.contents[0] as { text?: string }).text).toMatch(
        /rejectsExpiredToken\(\) FAILED[\s\S]*Finished: FAILURE$/,
      );
      const whole = await session.client.readResource({ uri: "jenkins://job/hello/build/3/log" });
      expect((whole.contents[0] as { text?: string }).text).toMatch(
        /^Started by user admin\n[\s\S]*Finished: SUCCESS$/,
      );
      const branch = await session.client.readResource({
        uri: "jenkins://job/mb/feature%252Flogin/build/lastBuild/log",
      });
      expect((branch.contents[0] as { text?: string }).text).toContain("Finished: SUCCESS");
    });

    it("offers a log too big for one answer as a resource link", async () => {
      const answer = await call("getBuildLog", { jobFullName: SEED_JOBS.bigLog, limit: 5000 });
      const result = expectOk(answer);
      expect(Number(result.lineCount)).toBeLessThan(5000);
      expect(String(result.text).length).toBeLessThanOrEqual(101_000);
      expect(answer.links).toEqual(["jenkins://job/big-log/build/1/log"]);
      expect(answer.text).toMatch(
        /cut to 100 KB of text, the log is resource jenkins:\/\/job\/big-log\/build\/1\/log/,
      );
    });

    it("fails a read of what does not exist as a protocol error", async () => {
      await expect(session.client.readResource({ uri: "jenkins://job/team/nope" })).rejects.toThrow(
        /Job "team\/nope" was not found/,
      );
      await expect(
        session.client.readResource({ uri: "jenkins://job/hello/build/latest/log" }),
      ).rejects.toThrow(/not a build number/);
    });

    it("completes job names and build numbers", async () => {
      const names = await session.client.complete({
        ref: { type: "ref/resource", uri: "jenkins://job/{+fullName}" },
        argument: { name: "fullName", value: "team/b" },
      });
      expect(names.completion.values.slice(0, 3)).toEqual([
        "team/backend",
        "team/backend/api",
        "team/backend/deploy-api",
      ]);
      const numbers = await session.client.complete({
        ref: { type: "ref/resource", uri: "jenkins://job/{+fullName}/build/{number}/log" },
        argument: { name: "number", value: "" },
        context: { arguments: { fullName: SEED_JOBS.api } },
      });
      expect(numbers.completion.values.slice(0, 3)).toEqual(["5", "4", "3"]);
    });
  });

  describe("prompts", () => {
    it("offers diagnose-build and trigger-build, with job names completed", async () => {
      const { prompts } = await session.client.listPrompts();
      expect(prompts.map((prompt) => prompt.name)).toEqual(["diagnose-build", "trigger-build"]);
      const diagnose = await session.client.getPrompt({
        name: "diagnose-build",
        arguments: { jobFullName: SEED_JOBS.api, buildNumber: "4" },
      });
      const text = (diagnose.messages[0]?.content as { text?: string } | undefined)?.text ?? "";
      expect(text).toContain('getFailureSummary with {"jobFullName":"team/backend/api","buildNumber":"4"}');
      expect(text).toContain("searchBuildLog");
      expect(text).toMatch(
        /getStageLog for the failed stage's own log[\s\S]*getBuildChanges lists each commit/,
      );
      const trigger = await session.client.getPrompt({
        name: "trigger-build",
        arguments: { job: "deploy api" },
      });
      expect((trigger.messages[0]?.content as { text?: string } | undefined)?.text).toMatch(
        /searchJobs[\s\S]*confirm[\s\S]*triggerBuild/,
      );
      const completion = await session.client.complete({
        ref: { type: "ref/prompt", name: "diagnose-build" },
        argument: { name: "jobFullName", value: "deploy" },
      });
      expect(completion.completion.values).toContain(SEED_JOBS.deployApi);
    });
  });
});

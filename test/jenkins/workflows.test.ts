import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import type { Build } from "../../simulator/world.js";
import { HttpJenkinsClient } from "../../src/jenkins/client.js";
import { JenkinsError } from "../../src/jenkins/errors.js";
import { parseJobPath } from "../../src/jenkins/paths.js";

/** The adapter's workflow operations against the simulator: what they ask Jenkins, and what they make of it. */
const { admin, reader } = SIMULATOR_USERS;

let sim: JenkinsSimulator;
let jenkins: HttpJenkinsClient;

function clientAs(user: typeof admin | typeof reader): HttpJenkinsClient {
  return new HttpJenkinsClient({
    url: sim.url,
    auth: { kind: "apiToken", user: user.id, token: user.apiToken },
    timeoutMs: 5000,
    tlsInsecure: false,
    proxy: {},
  });
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins", quietPeriodMs: 0, buildDurationMs: 50 });
  jenkins = clientAs(admin);
});

afterAll(async () => {
  await jenkins?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.clearRequests();
});

const path = (name: string) => parseJobPath(name);

async function kindOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JenkinsError);
  expect((error as Error).message).not.toMatch(/<[a-z]/i);
  return (error as JenkinsError).kind;
}

/** Starts a build of `job` in the world itself and resolves once `ready` holds for it. */
async function runningBuild(job: string, ready: (build: Build) => boolean): Promise<Build> {
  const item = sim.world.schedule(
    sim.world.getJob(job),
    null,
    { userId: "admin", userName: "admin" },
    0,
  ).item;
  await sim.world.waitFor(() => item.build !== null && ready(item.build));
  return item.build as Build;
}

describe("jobTree", () => {
  it("reads every level below a folder in one request, and serves the next read from its cache", async () => {
    const tree = await jenkins.jobTree(path("team"));
    expect(tree.items.map((item) => item.fullName)).toEqual([
      "team/backend",
      "team/backend/api",
      "team/backend/deploy-api",
      "team/frontend",
      "team/frontend/web",
    ]);
    expect(tree.items[1]).toEqual({
      name: "api",
      fullName: "team/backend/api",
      displayName: "api",
      type: "pipeline",
      status: "blue",
    });
    await jenkins.jobTree(path("team"));
    expect(sim.requests).toHaveLength(1);
  });

  it("reads 10,000 jobs in one request", async () => {
    const client = clientAs(admin);
    const tree = await client.jobTree(undefined);
    expect(tree.items.filter((item) => item.fullName.startsWith("big-folder/"))).toHaveLength(10_000);
    expect(sim.requests).toHaveLength(1);
    await client.close();
  });

  it("says a job is not a folder", async () => {
    expect(await kindOf(jenkins.jobTree(path("hello")))).toBe("invalidInput");
  });
});

describe("listBuilds", () => {
  it("lists the newest builds first, with causes, and says when older ones exist", async () => {
    const history = await jenkins.listBuilds(path(SEED_JOBS.api), 2);
    expect(history.jobFullName).toBe(SEED_JOBS.api);
    expect(history.builds.map((build) => [build.number, build.result])).toEqual([
      [5, "SUCCESS"],
      [4, "FAILURE"],
    ]);
    expect(history.builds[1]?.causes).toEqual(["Started by user admin"]);
    expect(history.hasMore).toBe(true);
    expect((await jenkins.listBuilds(path(SEED_JOBS.api), 5)).hasMore).toBe(false);
  });

  it("refuses a folder", async () => {
    expect(await kindOf(jenkins.listBuilds(path("team"), 5))).toBe("invalidInput");
  });
});

describe("test reports and pipeline stages", () => {
  it("reads the cases of a test report", async () => {
    const report = await jenkins.testReport(path(SEED_JOBS.api), 4);
    expect(report).toMatchObject({ passed: 115, failed: 2, skipped: 3 });
    expect(report.cases).toHaveLength(120);
    expect(report.cases.filter((test) => test.status === "FAILED" || test.status === "REGRESSION")).toEqual([
      expect.objectContaining({
        name: "rejectsExpiredToken()",
        errorDetails: "expected: <401> but was: <500>",
      }),
      expect.objectContaining({ name: "listsProjects()", status: "REGRESSION" }),
    ]);
  });

  it("says when a build has no test report", async () => {
    expect(await kindOf(jenkins.testReport(path("hello"), 3))).toBe("notFound");
  });

  it("reads a pipeline's stages", async () => {
    const run = await jenkins.pipelineGraph(path(SEED_JOBS.api), 4);
    expect(run.stages.map((stage) => [stage.name, stage.status])).toEqual([
      ["Checkout", "SUCCESS"],
      ["Build", "SUCCESS"],
      ["Test", "FAILED"],
      ["Deploy", "NOT_EXECUTED"],
    ]);
  });

  it("says a freestyle build has no stages", async () => {
    expect(await kindOf(jenkins.pipelineGraph(path("hello"), 3))).toBe("notFound");
  });
});

describe("input steps", () => {
  it("lists a waiting input with its parameters and proceeds with values", async () => {
    const build = await runningBuild(SEED_JOBS.deploy, (b) => b.pendingInput !== null);
    const inputs = await jenkins.pendingInputs(path(SEED_JOBS.deploy), build.number);
    expect(inputs).toEqual([
      {
        id: "Approve",
        message: "Deploy to production?",
        proceedText: "Deploy",
        parameters: [
          {
            name: "TARGET",
            type: "choice",
            jenkinsType: "ChoiceParameterDefinition",
            default: "staging",
            choices: ["staging", "prod"],
            description: "Where to deploy",
          },
          {
            name: "REASON",
            type: "string",
            jenkinsType: "StringParameterDefinition",
            default: "",
            description: "Why now",
          },
        ],
      },
    ]);
    await jenkins.answerInput(path(SEED_JOBS.deploy), build.number, "Approve", {
      action: "proceed",
      parameters: [{ name: "TARGET", value: "prod" }],
    });
    expect(build.result).toBe("SUCCESS");
    expect(sim.requests.at(-1)?.path).toMatch(/\/input\/Approve\/proceed$/);
    expect(await jenkins.pendingInputs(path(SEED_JOBS.deploy), build.number)).toEqual([]);
  });

  it("proceeds without parameters through proceedEmpty, and aborts", async () => {
    const first = await runningBuild(SEED_JOBS.release, (b) => b.pendingInput !== null);
    await jenkins.answerInput(path(SEED_JOBS.release), first.number, "Release", { action: "proceed" });
    expect(first.result).toBe("SUCCESS");
    expect(sim.requests.at(-1)?.path).toMatch(/\/input\/Release\/proceedEmpty$/);
    const second = await runningBuild(SEED_JOBS.release, (b) => b.pendingInput !== null);
    await jenkins.answerInput(path(SEED_JOBS.release), second.number, "Release", { action: "abort" });
    expect(second.result).toBe("ABORTED");
  });

  it("says an input that is not waiting is not waiting", async () => {
    expect(await kindOf(jenkins.answerInput(path(SEED_JOBS.release), 1, "Nope", { action: "proceed" }))).toBe(
      "notFound",
    );
  });
});

describe("stopping builds", () => {
  it("escalates from /stop to /term for a pipeline that ignores the interrupt", async () => {
    const build = await runningBuild(SEED_JOBS.stubborn, () => true);
    await jenkins.stopBuild(path(SEED_JOBS.stubborn), build.number, "stop");
    expect(build.building).toBe(true);
    await jenkins.stopBuild(path(SEED_JOBS.stubborn), build.number, "term");
    expect(build.result).toBe("ABORTED");
  });

  it("says a freestyle build cannot be terminated", async () => {
    expect(await kindOf(jenkins.stopBuild(path("hello"), 3, "term"))).toBe("notFound");
  });

  it("says who lacks the permission to stop", async () => {
    const client = clientAs(reader);
    const build = await runningBuild(SEED_JOBS.stubborn, () => true);
    expect(await kindOf(client.stopBuild(path(SEED_JOBS.stubborn), build.number, "stop"))).toBe("forbidden");
    await client.close();
    await jenkins.stopBuild(path(SEED_JOBS.stubborn), build.number, "kill");
  });
});

describe("scanLog", () => {
  it("streams a finished log from consoleText, and stops the transfer when told", async () => {
    let seen = 0;
    const complete = await jenkins.scanLog(
      { path: path(SEED_JOBS.bigLog), build: 1, building: false },
      (lines) => {
        seen += lines.length;
        return seen < 5000;
      },
    );
    expect(complete).toBe(false);
    expect(sim.requests.map((request) => request.path)).toEqual(["/jenkins/job/big-log/1/consoleText"]);
    expect(sim.requests[0]?.responseBytes).toBeLessThan(16 * 1024 * 1024);
  });

  it("reads a running build's log in pages", async () => {
    const build = await runningBuild(SEED_JOBS.stubborn, () => true);
    const lines: string[] = [];
    const complete = await jenkins.scanLog(
      { path: path(SEED_JOBS.stubborn), build: build.number, building: true },
      (batch) => lines.push(...batch) > 0,
    );
    expect(complete).toBe(true);
    expect(lines[0]).toBe("Started by user admin");
    expect(sim.requests.every((request) => request.path.endsWith("/logText/progressiveText"))).toBe(true);
    await jenkins.stopBuild(path(SEED_JOBS.stubborn), build.number, "kill");
  });
});

describe("who and how", () => {
  it("says who the server acts as", async () => {
    expect(await jenkins.whoAmI()).toEqual({
      user: "admin",
      anonymous: false,
      authorities: ["authenticated"],
    });
  });

  it("reads the controller's state", async () => {
    sim.world.quietingDown = true;
    sim.world.quietDownReason = "upgrade at noon";
    try {
      const status = await jenkins.status();
      expect(status).toMatchObject({
        version: "2.541.1",
        quietingDown: true,
        quietDownReason: "upgrade at noon",
        executors: { total: 2 },
        nodes: { total: 2, offline: [{ name: "agent-1", reason: null }] },
      });
      expect(status.queue.length).toBeGreaterThanOrEqual(0);
    } finally {
      sim.world.quietingDown = false;
      sim.world.quietDownReason = null;
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { MISSION_TOOLS } from "../support/mission.js";
import { type ClientGeneration, cliEnv, connectStdio, type McpSession } from "./harness.js";

/** Every tool's normal path through both client generations: v2, and v1 for older hosts. */
const admin = SIMULATOR_USERS.admin;

describe.each<ClientGeneration>(["v2", "v1"])("%s client over stdio", (generation) => {
  let sim: JenkinsSimulator;
  let session: McpSession;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 100, buildDurationMs: 150 });
    const env = cliEnv(sim.url, { JENKINS_USER: admin.id, JENKINS_API_TOKEN: admin.apiToken });
    session = await connectStdio(env, generation);
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  it("lists the seven tools, searchJobs and getFailureSummary", async () => {
    expect((await session.toolNames()).sort()).toEqual(
      [...MISSION_TOOLS, "searchJobs", "getFailureSummary"].sort(),
    );
  });

  it("runs every tool with structured results", async () => {
    expect((await session.call("getJobs", { parentFullName: "team/backend" })).structured?.total).toBe(2);
    expect((await session.call("getJob", { jobFullName: "hello" })).structured?.type).toBe("freestyle");
    expect((await session.call("getBuild", { jobFullName: "hello" })).structured?.number).toBe(3);
    const found = await session.call("searchJobs", { query: "deploy api" });
    expect(found.structured?.jobs).toEqual([expect.objectContaining({ fullName: SEED_JOBS.deployApi })]);
    const summary = await session.call("getFailureSummary", { jobFullName: SEED_JOBS.api, buildNumber: 4 });
    expect(summary.structured).toMatchObject({ result: "FAILURE", failedStage: { name: "Test" } });
    const log = await session.call("getBuildLog", { jobFullName: "hello", limit: 1 });
    expect(log.structured?.text).toBe("Finished: SUCCESS");
    const built = await session.call("triggerBuild", {
      jobFullName: SEED_JOBS.api,
      parameters: { BRANCH: "broken" },
      waitFor: "finished",
    });
    expect(built.structured).toMatchObject({ state: "finished", result: "FAILURE" });
    const queued = await session.call("triggerBuild", { jobFullName: SEED_JOBS.slow });
    const cancelled = await session.call("cancelQueueItem", { queueItemId: queued.structured?.queueItemId });
    expect(cancelled.structured?.cancelled).toBe(true);
    const created = await session.call("createJob", {
      jobFullName: `made-by-${generation}`,
      copyFrom: "hello",
    });
    expect(created.structured?.fullName).toBe(`made-by-${generation}`);
  });
});

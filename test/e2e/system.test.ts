import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { Build } from "../../simulator/world.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getNodes and getRunningBuilds end to end, over stdio (the spawned CLI) and HTTP (the server in
 * process): the controller's nodes, a running freestyle build, a pipeline on a one-off executor and
 * one whose node block holds an agent's executor, a policy that hides a job's build, and a fault.
 */
const ADMIN = { userId: SIMULATOR_USERS.admin.id, userName: SIMULATOR_USERS.admin.fullName };
const COMPILE = "compile";
const INTEGRATION = "team/backend/integration";
const LONG = 600_000;

const policyFile = teamReadsPolicy();

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;
  const running: Build[] = [];

  /** A build of `job` started in the world itself, once it runs. */
  async function start(job: string): Promise<Build> {
    const { item } = sim.world.schedule(sim.world.getJob(job), null, ADMIN, 0);
    await sim.world.waitFor(() => item.build !== null);
    const build = item.build as Build;
    running.push(build);
    return build;
  }

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20 });
    sim.world.addAgent("linux-2", { labels: ["linux", "docker"], executors: 2 });
    sim.world.markOffline(sim.world.addAgent("mac-1", { labels: ["macos"] }), "admin", "disk <sda1>  full");
    const compile = sim.world.addJob(COMPILE, { durationMs: LONG });
    // A finished build of two minutes: Jenkins estimates the next one from it.
    const past = new Build(compile, compile.nextBuildNumber++, sim.world.allocateQueueId(), 0, [ADMIN], null);
    past.result = "SUCCESS";
    past.duration = 120_000;
    compile.builds.push(past);
    sim.world.addJob(INTEGRATION, { kind: "pipeline", agent: "linux-2", durationMs: LONG });
    await start(COMPILE);
    await start(INTEGRATION);
    await start(SEED_JOBS.longRunning);
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: policyFile } });
  });

  afterAll(async () => {
    for (const build of running) if (build.building) sim.world.abort(build, ADMIN, true);
    await session?.close();
    await restricted?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  describe("getNodes", () => {
    it("lists every node with its state, labels and executors, from one bounded request", async () => {
      const answer = await session.call("getNodes", {});
      expect(expectOk(answer)).toEqual({
        nodes: [
          {
            name: "Built-In Node",
            offline: false,
            temporarilyOffline: false,
            offlineReason: null,
            labels: ["built-in"],
            executors: { busy: 1, idle: 1, total: 2 },
          },
          {
            name: "agent-1",
            offline: true,
            temporarilyOffline: false,
            offlineReason: null,
            labels: ["agent-1", "linux"],
            executors: { busy: 0, idle: 1, total: 1 },
          },
          {
            name: "linux-2",
            offline: false,
            temporarilyOffline: false,
            offlineReason: null,
            labels: ["docker", "linux", "linux-2"],
            executors: { busy: 1, idle: 1, total: 2 },
          },
          {
            name: "mac-1",
            offline: true,
            temporarilyOffline: true,
            offlineReason: "disk <sda1>  full",
            labels: ["mac-1", "macos"],
            executors: { busy: 0, idle: 1, total: 1 },
          },
        ],
        hasMore: false,
      });
      expect(answer.text).toBe(
        [
          "Nodes (4, 2 offline):",
          "- Built-In Node (online, 1 of 2 executors busy); labels built-in",
          "- agent-1 (offline); labels agent-1 linux",
          "- linux-2 (online, 1 of 2 executors busy); labels docker linux linux-2",
          "- mac-1 (offline, marked offline by a person: disk <sda1> full); labels mac-1 macos",
        ].join("\n"),
      );
      expect(sim.requests.map((request) => [request.path, request.query.get("tree")])).toEqual([
        [
          "/computer/api/json",
          "computer[displayName,offline,temporarilyOffline,offlineCauseReason,assignedLabels[name],executors[idle]]{0,101}",
        ],
      ]);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/computer/api/json" }, kind: "html500" });
      const answer = await session.call("getNodes", {});
      expectOneSentence(answer, /^Jenkins failed with 500\b.* while reading the nodes; try again shortly/);
    });
  });

  describe("getRunningBuilds", () => {
    it("lists a freestyle build and two pipelines once each, where they run, with time left", async () => {
      const answer = await session.call("getRunningBuilds", {});
      const result = expectOk(answer) as { builds: Array<Record<string, unknown>>; hasMore: boolean };
      expect(result.hasMore).toBe(false);
      const byJob = Object.fromEntries(result.builds.map((build) => [build.jobFullName, build]));
      expect(byJob).toEqual({
        [COMPILE]: {
          jobFullName: COMPILE,
          buildNumber: 2,
          nodes: ["Built-In Node"],
          startedAt: expect.any(String),
          elapsedMs: expect.any(Number),
          estimatedDurationMs: 120_000,
          estimatedRemainingMs: expect.any(Number),
        },
        // The node block holds an executor of linux-2; the pipeline's own run, a one-off executor.
        [INTEGRATION]: expect.objectContaining({
          buildNumber: 1,
          nodes: ["linux-2"],
          estimatedRemainingMs: null,
        }),
        [SEED_JOBS.longRunning]: expect.objectContaining({ buildNumber: 1, nodes: ["Built-In Node"] }),
      });
      const compile = byJob[COMPILE] as { elapsedMs: number; estimatedRemainingMs: number };
      expect(compile.estimatedRemainingMs).toBeGreaterThan(60_000);
      expect(compile.estimatedRemainingMs + compile.elapsedMs).toBeCloseTo(120_000, -3);
      const elapsed = result.builds.map((build) => build.elapsedMs as number);
      expect(elapsed).toEqual([...elapsed].sort((a, b) => b - a));
      expect(answer.text).toMatch(/^Running now \(3\), longest first:\n/);
      expect(answer.text).toMatch(
        /\n- compile #2 on Built-In Node: running \d+ s, about (2 min|1\d\d s) left/,
      );
      expect(answer.text).toMatch(/\n- team\/backend\/integration #1 on linux-2: running \d+ s, no estimate/);
      expect(sim.requests.map((request) => request.query.get("tree"))).toEqual([
        "computer[displayName,executors[currentExecutable[number,url,timestamp,estimatedDuration]],oneOffExecutors[currentExecutable[number,url,timestamp,estimatedDuration]]]",
      ]);
    });

    it("shows under a policy only the builds of jobs the client may read, and nothing of the others", async () => {
      const answer = await restricted.call("getRunningBuilds", {});
      expect(expectOk(answer)).toEqual({
        builds: [expect.objectContaining({ jobFullName: INTEGRATION, buildNumber: 1 })],
        hasMore: false,
      });
      expect(answer.text).toMatch(
        /^Running now \(1\), longest first:\n- team\/backend\/integration #1 on linux-2/,
      );
      expect(answer.text).not.toMatch(/compile|long-running|hidden|more/i);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/computer/api/json" }, kind: "html500" });
      const answer = await session.call("getRunningBuilds", {});
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while reading what the executors run; try again shortly/,
      );
    });
  });
});

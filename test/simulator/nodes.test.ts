import { afterEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import type { Build } from "../../simulator/world.js";

/** computer/api/json as hudson.model.ComputerSet, Computer, Executor and the runs they hold export it. */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;
const CAUSE = { userId: admin.id, userName: admin.fullName };

interface ExecutableJson {
  _class: string;
  number: number;
  url: string;
  timestamp: number;
  estimatedDuration: number;
  fullDisplayName: string;
}
interface ExecutorJson {
  _class?: string;
  idle: boolean;
  number: number;
  currentExecutable: ExecutableJson | null;
}
interface ComputerJson {
  _class: string;
  displayName: string;
  offline: boolean;
  temporarilyOffline: boolean;
  offlineCauseReason: string;
  offlineCause: { _class: string; description: string } | null;
  assignedLabels: Array<{ name: string }>;
  executors: ExecutorJson[];
  oneOffExecutors: ExecutorJson[];
}
interface ComputerSetJson {
  busyExecutors: number;
  totalExecutors: number;
  computer: ComputerJson[];
}

const EXECUTOR = "idle,number,currentExecutable[number,url,timestamp,estimatedDuration,fullDisplayName]";
const TREE = [
  "busyExecutors,totalExecutors",
  `computer[displayName,offline,temporarilyOffline,offlineCauseReason,offlineCause[description],assignedLabels[name],executors[${EXECUTOR}],oneOffExecutors[${EXECUTOR}]]`,
].join(",");

async function computers(sim: JenkinsSimulator, query = `tree=${TREE}`): Promise<ComputerSetJson> {
  const response = await fetch(new URL(`computer/api/json?${query}`, sim.url), {
    headers: { authorization: AUTHORIZATION },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as ComputerSetJson;
}

/** Starts a build of `job` on the simulator's manual clock. */
function run(sim: JenkinsSimulator, job: string): Build {
  const { item } = sim.world.schedule(sim.world.getJob(job), null, CAUSE, 0);
  sim.world.advance(0);
  if (!item.build) throw new Error(`${job} did not start`);
  return item.build;
}

let sim: JenkinsSimulator;

afterEach(async () => {
  await sim?.close();
});

describe("the simulator's nodes", () => {
  it("lists the built-in node first, then the seeded agent that never connected", async () => {
    sim = await JenkinsSimulator.start();
    const set = await computers(sim);
    expect(set).toMatchObject({ busyExecutors: 0, totalExecutors: 2 });
    expect(set.computer).toEqual([
      {
        _class: "hudson.model.Hudson$MasterComputer",
        displayName: "Built-In Node",
        offline: false,
        temporarilyOffline: false,
        offlineCauseReason: "",
        offlineCause: null,
        assignedLabels: [{ name: "built-in" }],
        executors: [
          { idle: true, number: 0, currentExecutable: null },
          { idle: true, number: 1, currentExecutable: null },
        ],
        oneOffExecutors: [],
      },
      {
        _class: "hudson.slaves.SlaveComputer",
        displayName: "agent-1",
        offline: true,
        temporarilyOffline: false,
        offlineCauseReason: "",
        offlineCause: null,
        assignedLabels: [{ name: "linux" }, { name: "agent-1" }],
        executors: [{ idle: true, number: 0, currentExecutable: null }],
        oneOffExecutors: [],
      },
    ]);
    // Without tree, depth 0: the executors are there, their fields are not.
    expect((await computers(sim, "")).computer[0]?.executors).toEqual([{}, {}]);
  });

  it("shows a freestyle build on a built-in executor and a pipeline on a one-off executor", async () => {
    sim = await JenkinsSimulator.start({ clock: "manual", quietPeriodMs: 0, buildDurationMs: 60_000 });
    const freestyle = run(sim, SEED_JOBS.hello);
    const pipeline = run(sim, SEED_JOBS.longRunning);
    const set = await computers(sim);
    expect(set).toMatchObject({ busyExecutors: 1, totalExecutors: 2 });
    const [builtIn] = set.computer;
    expect(builtIn?.executors).toEqual([
      {
        idle: false,
        number: 0,
        currentExecutable: {
          _class: "hudson.model.FreeStyleBuild",
          number: freestyle.number,
          url: `${sim.url}job/hello/${freestyle.number}/`,
          timestamp: freestyle.timestamp,
          estimatedDuration: 1_150,
          fullDisplayName: `hello #${freestyle.number}`,
        },
      },
      { idle: true, number: 1, currentExecutable: null },
    ]);
    expect(builtIn?.oneOffExecutors).toEqual([
      {
        idle: false,
        number: -1,
        currentExecutable: expect.objectContaining({
          _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
          number: 1,
          url: `${sim.url}job/long-running/1/`,
          timestamp: pipeline.timestamp,
          estimatedDuration: -1,
        }),
      },
    ]);
    sim.world.advance(60_000);
    expect((await computers(sim)).computer[0]).toMatchObject({ executors: [{ idle: true }, { idle: true }] });
  });

  it("shows a pipeline's node block on its agent with the build's URL, and agents in Java's order", async () => {
    sim = await JenkinsSimulator.start({ clock: "manual", quietPeriodMs: 0, seed: false });
    sim.world.addAgent("linux-2", { labels: ["linux", "docker"], executors: 2 });
    sim.world.addAgent("Mac", { labels: ["macos"] });
    sim.world.addJob("deploy", { kind: "pipeline", agent: "linux-2", durationMs: 10_000 });
    const build = run(sim, "deploy");
    const set = await computers(sim);
    expect(set.computer.map((computer) => computer.displayName)).toEqual(["Built-In Node", "Mac", "linux-2"]);
    expect(set).toMatchObject({ busyExecutors: 1, totalExecutors: 5 });
    expect(set.computer[2]?.executors[0]).toEqual({
      idle: false,
      number: 0,
      currentExecutable: {
        _class:
          "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask$PlaceholderExecutable",
        number: 1,
        url: `${sim.url}job/deploy/1/`,
        timestamp: build.timestamp,
        estimatedDuration: -1,
        fullDisplayName: "part of deploy #1",
      },
    });
    expect(set.computer[0]?.oneOffExecutors[0]?.currentExecutable?.url).toBe(`${sim.url}job/deploy/1/`);
  });

  it("marks an agent offline with its reason HTML-escaped, and counts only online executors", async () => {
    sim = await JenkinsSimulator.start({ seed: false });
    const agent = sim.world.addAgent("linux-2", { executors: 3 });
    expect((await computers(sim)).totalExecutors).toBe(5);
    sim.world.markOffline(agent, admin.id, "disk <sda1>  full\nback at 3");
    const set = await computers(sim);
    expect(set.totalExecutors).toBe(2);
    expect(set.computer[1]).toMatchObject({
      offline: true,
      temporarilyOffline: true,
      offlineCauseReason: "disk &lt;sda1&gt;&nbsp; full<br>back at 3",
      offlineCause: {
        _class: "hudson.slaves.OfflineCause$UserCause",
        description: "Disconnected by admin : disk <sda1>  full\nback at 3",
      },
    });
  });
});

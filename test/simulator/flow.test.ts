import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NESTED_STAGES, PARALLEL_TEST_BRANCHES } from "../../simulator/failure-logs.js";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { GrowingLog } from "../../simulator/logs.js";
import { PipelineConsole } from "../../simulator/pipeline-console.js";
import { Build } from "../../simulator/world.js";

/**
 * Flow nodes of seeded pipeline runs: the graph PipelineConsole records with the console, the Stage
 * View plugin's `wfapi` for runs and nodes, workflow-support's per-node log, and the Pipeline Graph
 * View plugin's `stages/` endpoints.
 */

const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;
const FAILED_BUILD = 4;
const TIMESTAMP = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

interface Link {
  href: string;
}

interface NodeJson {
  _links: { self: Link; log?: Link; console?: Link };
  id: string;
  name: string;
  status: string;
  error?: { message: string; type: string };
  parameterDescription?: string;
  startTimeMillis: number;
  durationMillis: number;
  parentNodes?: string[];
  stageFlowNodes?: NodeJson[];
}

interface RunJson {
  status: string;
  stages: NodeJson[];
}

interface GraphStage {
  id: string;
  name: string;
  state: string;
  type: string;
  synthetic: boolean;
  url: string;
  children: GraphStage[];
}

interface GraphStep {
  id: string;
  name: string;
  state: string;
  stageId: string;
}

interface Ok<T> {
  status: "ok";
  data: T;
}

let sim: JenkinsSimulator;

function buildPath(fullName: string, number = FAILED_BUILD): string {
  return `${fullName
    .split("/")
    .map((name) => `job/${encodeURIComponent(name)}/`)
    .join("")}${number}/`;
}

function get(path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(new URL(path, sim.url), { headers: { authorization: AUTHORIZATION, ...headers } });
}

async function json<T>(path: string): Promise<T> {
  const response = await get(path);
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function consoleLines(fullName: string): Promise<string[]> {
  const text = await (await get(`${buildPath(fullName)}consoleText`)).text();
  return text.slice(0, -1).split("\n");
}

/** A node's own log through workflow-support's LogStorageAction, as lines. */
async function nodeLogLines(fullName: string, id: string): Promise<string[]> {
  const response = await get(`${buildPath(fullName)}execution/node/${id}/log/logText/progressiveText`);
  expect(response.status).toBe(200);
  const text = (await response.text()).replaceAll("\r\n", "\n");
  return text.slice(0, -1).split("\n");
}

async function stageNamed(fullName: string, name: string): Promise<NodeJson> {
  const run = await json<RunJson>(`${buildPath(fullName)}wfapi/describe?fullStages=true`);
  const stage = run.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`${fullName} has no stage ${name}`);
  return stage;
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins" });
});

afterAll(async () => {
  await sim?.close();
});

describe("the flow graph a seeded run recorded", () => {
  it.each([SEED_JOBS.deployCleanup, SEED_JOBS.parallelTests, SEED_JOBS.nestedStages])(
    "%s: ids from 2 up, one [Pipeline] line per node in id order",
    async (fullName) => {
      const flow = sim.world.getJob(fullName).getBuild(FAILED_BUILD)?.flow;
      const nodes = flow?.all() ?? [];
      expect(nodes[0]?.kind).toBe("FlowStartNode");
      expect(nodes.map((node) => node.id)).toEqual(nodes.map((_, index) => String(index + 2)));
      expect(nodes.at(-1)?.kind).toBe("FlowEndNode");
      const pipelineLines = (await consoleLines(fullName))
        .map((line) => line.replace(TIMESTAMP, ""))
        .filter((line) => line.startsWith("[Pipeline] "));
      expect(pipelineLines).toEqual(nodes.map((node) => `[Pipeline] ${node.displayFunctionName}`));
    },
  );
});

describe("Stage View (wfapi) from the flow graph", () => {
  it("lists stages by their body start nodes, without children unless fullStages=true", async () => {
    const path = buildPath(SEED_JOBS.deployCleanup);
    const run = await json<RunJson>(`${path}wfapi/describe`);
    expect(run.status).toBe("FAILED");
    expect(run.stages.map(({ id, name, status }) => `${id} ${name}: ${status}`)).toEqual([
      "6 Declarative: Checkout SCM: SUCCESS",
      "13 Build: SUCCESS",
      "18 Deploy: FAILED",
      "23 Declarative: Post Actions: SUCCESS",
    ]);
    expect(run.stages.every((stage) => stage.stageFlowNodes === undefined)).toBe(true);
    expect(run.stages[2]?._links.self.href).toBe(`/jenkins/${path}execution/node/18/wfapi/describe`);
    const full = await json<RunJson>(`${path}wfapi/describe?fullStages=true`);
    expect(full.stages[2]?.stageFlowNodes?.map((node) => node.parameterDescription)).toEqual([
      "kubectl apply -f k8s/",
    ]);
  });

  it("describes a stage node as StageNodeExt with its atom steps, and the failing one", async () => {
    const path = buildPath(SEED_JOBS.deployCleanup);
    const deploy = await json<NodeJson>(`${path}execution/node/18/wfapi/describe`);
    expect(deploy).toMatchObject({
      id: "18",
      name: "Deploy",
      status: "FAILED",
      error: { message: "script returned exit code 1", type: "hudson.AbortException" },
    });
    expect(deploy.stageFlowNodes).toEqual([
      {
        _links: {
          self: { href: `/jenkins/${path}execution/node/19/wfapi/describe` },
          log: { href: `/jenkins/${path}execution/node/19/wfapi/log` },
          console: { href: `/jenkins/${path}execution/node/19/log` },
        },
        id: "19",
        name: "Shell Script",
        execNode: "",
        status: "FAILED",
        error: { message: "script returned exit code 1", type: "hudson.AbortException" },
        parameterDescription: "kubectl apply -f k8s/",
        startTimeMillis: expect.any(Number),
        durationMillis: expect.any(Number),
        pauseDurationMillis: 0,
        parentNodes: ["18"],
      },
    ]);
  });

  it("puts the steps of parallel branches in the stage, their branch visible through parentNodes", async () => {
    const fullName = SEED_JOBS.parallelTests;
    const test = await stageNamed(fullName, "Test");
    expect(test.status).toBe("FAILED");
    const steps = test.stageFlowNodes ?? [];
    expect(steps.map((step) => step.name)).toEqual(PARALLEL_TEST_BRANCHES.map(() => "Shell Script"));
    const failed = steps.filter((step) => step.status === "FAILED");
    expect(failed.map((step) => step.parameterDescription)).toEqual(["./mvnw -B verify -DskipUnitTests"]);
    const [parent] = failed[0]?.parentNodes ?? [];
    const branch = await json<NodeJson>(`${buildPath(fullName)}execution/node/${parent}/wfapi/describe`);
    expect(branch).toMatchObject({ name: "Branch: integration", status: "SUCCESS" });
    expect(branch).not.toHaveProperty("parentNodes");
  });

  it("lists nested stages flat, the failing one and the stage around it FAILED", async () => {
    const run = await json<RunJson>(`${buildPath(SEED_JOBS.nestedStages)}wfapi/describe`);
    expect(run.stages.map(({ name, status }) => `${name}: ${status}`)).toEqual([
      "Declarative: Checkout SCM: SUCCESS",
      "Build: SUCCESS",
      `${NESTED_STAGES.parent}: FAILED`,
      `${NESTED_STAGES.failing}: FAILED`,
      `${NESTED_STAGES.skipped}: NOT_EXECUTED`,
      "Deploy: NOT_EXECUTED",
    ]);
  });

  it("gives the last 10 KiB of a step's log as HTML, and says there is more (FlowNodeLogExt)", async () => {
    const path = buildPath(SEED_JOBS.deployCleanup);
    const post = await stageNamed(SEED_JOBS.deployCleanup, "Declarative: Post Actions");
    const cleanup = post.stageFlowNodes?.[0];
    const log = await json<Record<string, unknown>>(`${path}execution/node/${cleanup?.id}/wfapi/log`);
    expect(log).toMatchObject({
      nodeId: cleanup?.id,
      nodeStatus: "SUCCESS",
      length: 10 * 1024,
      hasMore: true,
      consoleUrl: `/jenkins/${path}execution/node/${cleanup?.id}/log`,
    });
    const lines = await nodeLogLines(SEED_JOBS.deployCleanup, cleanup?.id ?? "");
    expect(String(log.text).endsWith(`${lines.at(-1)}\n`)).toBe(true);
    const failing = await json<Record<string, unknown>>(`${path}execution/node/19/wfapi/log`);
    expect(failing).toMatchObject({ nodeStatus: "FAILED", hasMore: false });
    // writeHtmlTo escapes only &, < and > (MarkupText): quotes stay as they are.
    expect(String(failing.text)).toContain('no matches for kind "Deployment"');
  });

  it("caps a stage's children at 100 atom nodes (StageNodeExt.MAX_CHILD_NODES)", async () => {
    const job = sim.world.addJob("many-steps", { kind: "pipeline" });
    const build = new Build(job, 1, sim.world.allocateQueueId(), sim.world.now(), [], null);
    const out = new PipelineConsole(build);
    const recorded = out.run(() =>
      out.stage("Loop", () => {
        for (let i = 0; i < 150; i++) out.step("echo", { args: `item ${i}` });
      }),
    );
    build.log = new GrowingLog(recorded.console);
    build.flow = recorded.flow;
    build.result = recorded.result;
    job.builds.push(build);
    const loop = await json<NodeJson>("job/many-steps/1/execution/node/4/wfapi/describe");
    expect(loop.name).toBe("Loop");
    expect(loop.stageFlowNodes).toHaveLength(100);
    expect(loop.stageFlowNodes?.at(-1)?.parameterDescription).toBe("item 99");
  });
});

describe("a flow node's own log (LogStorageAction)", () => {
  it("holds exactly the lines its step printed in the console", async () => {
    const fullName = SEED_JOBS.deployCleanup;
    const lines = await consoleLines(fullName);
    const first = lines.findIndex((line) => line.endsWith("] + kubectl apply -f k8s/"));
    const next = lines.findIndex((line, index) => index > first && line.includes("] [Pipeline] "));
    expect(lines[first - 1]).toMatch(/\] \[Pipeline\] sh$/);
    expect(await nodeLogLines(fullName, "19")).toEqual(lines.slice(first, next));
  });

  it("holds each parallel branch's lines, which the console interleaves", async () => {
    const fullName = SEED_JOBS.parallelTests;
    const test = await stageNamed(fullName, "Test");
    const logs = await Promise.all(
      (test.stageFlowNodes ?? []).map((step) => nodeLogLines(fullName, step.id)),
    );
    const lines = await consoleLines(fullName);
    for (const log of logs) {
      const positions = log.map((line) => lines.indexOf(line));
      expect(positions.every((position, i) => position > (positions[i - 1] ?? -1))).toBe(true);
    }
    const firstOutput = Math.min(...logs.map((log) => lines.indexOf(log[0] ?? "")));
    const interleaved = lines.slice(firstOutput, firstOutput + 3).map((line) => line.replace(TIMESTAMP, ""));
    expect(interleaved).toEqual(logs.map((log) => log[0]?.replace(TIMESTAMP, "")));
  });

  it("answers progressiveText with X-Text-Size and start= as the build log does", async () => {
    const path = `${buildPath(SEED_JOBS.deployCleanup)}execution/node/19/log/logText/progressiveText`;
    const whole = await get(path);
    const size = Number(whole.headers.get("x-text-size"));
    const text = await whole.text();
    expect(size).toBe(Buffer.byteLength(text.replaceAll("\r\n", "\n")));
    expect(whole.headers.get("x-more-data")).toBeNull();
    const rest = await get(`${path}?start=${size - 20}`);
    expect(await rest.text()).toBe(text.replaceAll("\r\n", "\n").slice(-20).replaceAll("\n", "\r\n"));
  });

  it("is a 404 page for unknown nodes, nodes that printed nothing, and freestyle builds", async () => {
    const path = buildPath(SEED_JOBS.deployCleanup);
    for (const missing of [
      `${path}execution/node/999/wfapi/describe`,
      `${path}execution/node/999/log/logText/progressiveText`,
      `${path}execution/node/18/log/logText/progressiveText`,
      `${buildPath(SEED_JOBS.mavenCompile)}execution/node/2/wfapi/describe`,
      `${buildPath(SEED_JOBS.mavenCompile)}stages/tree`,
    ]) {
      const response = await get(missing);
      expect(response.status, missing).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    }
  });
});

describe("Pipeline Graph View (stages/)", () => {
  it("gives the tree of stages, parallel branches as children named by their thread", async () => {
    const path = buildPath(SEED_JOBS.parallelTests);
    const response = await get(`${path}stages/tree`);
    expect(response.headers.get("cache-control")).toBe("private, immutable, max-age=86400");
    const tree = (await response.json()) as Ok<{ stages: GraphStage[]; complete: boolean }>;
    expect(tree.status).toBe("ok");
    expect(tree.data.complete).toBe(true);
    const stages = tree.data.stages;
    expect(
      stages.map(({ name, state, synthetic }) => `${name} ${state}${synthetic ? " (synthetic)" : ""}`),
    ).toEqual([
      "Checkout SCM success (synthetic)",
      "Build success",
      "Test failure",
      "Deploy skipped",
      "Post Actions success (synthetic)",
    ]);
    const test = stages[2];
    expect(test?.url).toBe(`/${path}stages/?selected-node=${test?.id}`);
    expect(test?.children.map(({ name, state, type }) => `${type} ${name} ${state}`)).toEqual([
      "PARALLEL unit success",
      "PARALLEL integration failure",
      "PARALLEL e2e success",
    ]);
  });

  it("nests a stage inside a stage", async () => {
    const tree = await json<Ok<{ stages: GraphStage[] }>>(`${buildPath(SEED_JOBS.nestedStages)}stages/tree`);
    const verify = tree.data.stages.find((stage) => stage.name === NESTED_STAGES.parent);
    expect(verify?.state).toBe("failure");
    expect(verify?.children.map(({ name, state }) => `${name} ${state}`)).toEqual([
      `${NESTED_STAGES.failing} failure`,
      `${NESTED_STAGES.skipped} skipped`,
    ]);
  });

  it("lists the steps of a node and of the run, named by their arguments", async () => {
    const path = buildPath(SEED_JOBS.parallelTests);
    const tree = await json<Ok<{ stages: GraphStage[] }>>(`${path}stages/tree`);
    const integration = tree.data.stages[2]?.children[1];
    const steps = await json<Ok<{ steps: GraphStep[]; runIsComplete: boolean }>>(
      `${path}stages/steps?nodeId=${integration?.id}`,
    );
    expect(steps.data.steps).toMatchObject([
      {
        name: "./mvnw -B verify -DskipUnitTests",
        state: "failure",
        type: "STEP",
        title: "",
        stageId: integration?.id,
      },
    ]);
    const all = await json<Ok<{ steps: GraphStep[] }>>(`${path}stages/allSteps`);
    const stageIds = all.data.steps.map((step) => Number(step.stageId));
    expect(stageIds).toEqual([...stageIds].sort((a, b) => a - b));
    expect(all.data.steps.map((step) => step.name)).toContain("npx playwright test --reporter=line");
  });

  it("gives a step's log with its error, and a stage's as its steps' logs", async () => {
    const path = buildPath(SEED_JOBS.deployCleanup);
    const own = (await nodeLogLines(SEED_JOBS.deployCleanup, "19")).join("\n");
    const step = await (await get(`${path}stages/log?nodeId=19`)).text();
    expect(step).toBe(`${own}\nscript returned exit code 1`);
    const stage = await (await get(`${path}stages/log?nodeId=18`)).text();
    expect(stage).toBe(`${own}\nscript returned exit code 1\n`);
    expect(await (await get(`${path}stages/log?nodeId=999`)).text()).toBe("No logs found\n");
  });

  it("is absent (404) from a Jenkins without the plugin", async () => {
    const bare = await JenkinsSimulator.start({ pipelineGraphView: false });
    try {
      const path = buildPath(SEED_JOBS.parallelTests);
      for (const endpoint of ["tree", "allSteps", "steps?nodeId=18", "log?nodeId=18"]) {
        const response = await fetch(new URL(`${path}stages/${endpoint}`, bare.url), {
          headers: { authorization: AUTHORIZATION },
        });
        expect(response.status, endpoint).toBe(404);
      }
      const wfapi = await fetch(new URL(`${path}execution/node/18/wfapi/describe`, bare.url), {
        headers: { authorization: AUTHORIZATION },
      });
      expect(wfapi.status).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { HttpJenkinsClient } from "../../src/jenkins/client.js";
import { JenkinsError } from "../../src/jenkins/errors.js";
import type { FlowStage, PipelineGraph } from "../../src/jenkins/flow.js";
import { parseJobPath } from "../../src/jenkins/paths.js";

/**
 * The adapter's pipeline graph and step logs against the simulator, with the Pipeline Graph View
 * plugin and without it (the stage view alone): what they ask Jenkins, and what they make of it.
 */
const { admin } = SIMULATOR_USERS;
const FAILED_BUILD = 4;

/** Stages and branches as `name status` lines, children indented, with their steps' labels. */
function outline(stages: readonly FlowStage[], depth = 0): string[] {
  return stages.flatMap((stage) => [
    `${"  ".repeat(depth)}${stage.branch ? "branch " : ""}${stage.name} ${stage.status}`,
    ...stage.steps.map(
      (step) =>
        `${"  ".repeat(depth + 1)}- ${step.label} ${step.status}${step.error ? `: ${step.error}` : ""}`,
    ),
    ...outline(stage.children, depth + 1),
  ]);
}

function failedStepId(graph: PipelineGraph): string {
  const find = (stages: readonly FlowStage[]): string | undefined =>
    stages
      .map((stage) => stage.steps.find((step) => step.status === "FAILED")?.id ?? find(stage.children))
      .find((id) => id !== undefined);
  const id = find(graph.stages);
  if (!id) throw new Error("no failed step");
  return id;
}

describe.each([
  { plugin: "graph view", pipelineGraphView: true },
  { plugin: "stage view alone", pipelineGraphView: false },
])("pipeline graph through the $plugin", ({ pipelineGraphView }) => {
  let sim: JenkinsSimulator;
  let jenkins: HttpJenkinsClient;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ pipelineGraphView });
    jenkins = new HttpJenkinsClient({
      url: sim.url,
      auth: { kind: "apiToken", user: admin.id, token: admin.apiToken },
      timeoutMs: 5000,
      tlsInsecure: false,
      proxy: {},
    });
  });

  afterAll(async () => {
    await jenkins?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearRequests();
  });

  const graphOf = (job: string) => jenkins.pipelineGraph(parseJobPath(job), FAILED_BUILD);

  it("names the failing branch of a parallel stage and its step's error", async () => {
    const graph = await graphOf(SEED_JOBS.parallelTests);
    expect(graph.source).toBe(pipelineGraphView ? "graphView" : "stageView");
    const test = graph.stages.find((stage) => stage.name === "Test");
    expect(test?.status).toBe("FAILED");
    const integration = test?.children.find((branch) => branch.name === "integration");
    expect(integration).toMatchObject({ branch: true, status: "FAILED" });
    expect(integration?.steps).toEqual([
      expect.objectContaining({
        label: expect.stringContaining("./mvnw -B verify"),
        status: "FAILED",
        error: "script returned exit code 1",
      }),
    ]);
    if (pipelineGraphView) {
      // The graph view names every branch; the stage view only those of a stage that failed.
      expect(test?.children.map((branch) => [branch.name, branch.status])).toEqual([
        ["unit", "SUCCESS"],
        ["integration", "FAILED"],
        ["e2e", "SUCCESS"],
      ]);
    }
  });

  it("nests stages where the graph view tells them, and lists them flat otherwise", async () => {
    const graph = await graphOf(SEED_JOBS.nestedStages);
    const lines = outline(graph.stages).filter((line) => !line.includes("- "));
    if (pipelineGraphView) expect(lines).toContain("  Lint FAILED");
    else expect(lines).toContain("Lint FAILED");
  });

  it("reads the graph again with the requests it needs only, once it knows the plugins", async () => {
    await graphOf(SEED_JOBS.deployCleanup);
    sim.clearRequests();
    await graphOf(SEED_JOBS.deployCleanup);
    const paths = sim.requests.map((request) => request.path.replace(/^.*\/4\//, ""));
    expect(paths).toEqual(
      pipelineGraphView ? ["stages/tree", "stages/allSteps", "stages/exceptionText"] : ["wfapi/describe"],
    );
  });

  it("says a freestyle build has no stages", async () => {
    const error = await jenkins
      .pipelineGraph(parseJobPath(SEED_JOBS.mavenCompile), FAILED_BUILD)
      .catch((e) => e);
    expect(error).toBeInstanceOf(JenkinsError);
    expect((error as JenkinsError).kind).toBe("notFound");
  });

  it("reads a step's own log whole, by pages, and not the rest of the build", async () => {
    const path = parseJobPath(SEED_JOBS.deployCleanup);
    const stepId = failedStepId(await jenkins.pipelineGraph(path, FAILED_BUILD));
    const expected = (sim.world.getJob(SEED_JOBS.deployCleanup).builds[3]?.flow?.node(stepId)?.log ?? []).map(
      (line) => line.replace(/\n$/, ""),
    );
    expect(expected.some((line) => line.includes("error: unable to recognize"))).toBe(true);
    const scanned: string[] = [];
    expect(
      await jenkins.scanStepLog({ path, build: FAILED_BUILD, stepId }, (lines) => scanned.push(...lines) > 0),
    ).toBe(true);
    expect(scanned).toEqual(expected);
    const tail = await jenkins.stepLogPage({ path, build: FAILED_BUILD, stepId, lines: 2 });
    expect(tail?.lines).toEqual(expected.slice(-2));
    const from = await jenkins.stepLogPage({ path, build: FAILED_BUILD, stepId, lines: 2, skip: 1 });
    expect(from?.lines).toEqual(expected.slice(1, 3));
  });

  it("answers null for a step that printed nothing", async () => {
    const path = parseJobPath(SEED_JOBS.deployCleanup);
    const flow = sim.world.getJob(SEED_JOBS.deployCleanup).builds[3]?.flow;
    const silent = flow?.all().find((node) => node.log.length === 0);
    expect(silent).toBeDefined();
    const page = await jenkins.stepLogPage({
      path,
      build: FAILED_BUILD,
      stepId: silent?.id ?? "",
      lines: 10,
    });
    expect(page).toBeNull();
  });
});

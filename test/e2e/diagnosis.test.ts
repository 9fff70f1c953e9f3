import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, expectRefused, teamReadsPolicy } from "./answers.js";
import type { ToolAnswer } from "./harness.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getFailureSummary and getStageLog end to end, over stdio (the spawned CLI) and HTTP (the server
 * in process), on the seeded failures of diag/: an error under 2,900 lines of cleanup, one failing
 * branch of a parallel stage, a stage inside a stage, a freestyle Maven compile error, a failing
 * streak with commits; with the Pipeline Graph View plugin and with the stage view alone.
 */
const FAILED = 4;
const policyFile = teamReadsPolicy();

function answerBytes(answer: ToolAnswer): number {
  return Buffer.byteLength(answer.text) + Buffer.byteLength(JSON.stringify(answer.structured));
}

/** Each seeded shape: where it failed, and the line that says why. */
const SHAPES = [
  {
    job: SEED_JOBS.deployCleanup,
    build: FAILED,
    stage: "Deploy",
    branch: null,
    log: "step",
    error:
      'error: unable to recognize "k8s/deploy.yaml": no matches for kind "Deployment" in version "apps/v1beta1"',
  },
  {
    job: SEED_JOBS.parallelTests,
    build: FAILED,
    stage: "Test » integration",
    branch: "integration",
    log: "step",
    error: "java.lang.AssertionError: expected:<200> but was:<503>",
  },
  {
    job: SEED_JOBS.nestedStages,
    build: FAILED,
    stage: "Verify » Lint",
    branch: null,
    log: "step",
    error: "12:7 error 'discount' is assigned a value but never used @typescript-eslint/no-unused-vars",
  },
  {
    job: SEED_JOBS.mavenCompile,
    build: FAILED,
    stage: null,
    branch: null,
    log: "build",
    error: expect.stringMatching(/^\[ERROR\] \S+\/Api\.java:\[42,17\] cannot find symbol$/),
  },
] as const;

describe.each([
  { transport: "stdio" as Transport, pipelineGraphView: true },
  { transport: "http" as Transport, pipelineGraphView: true },
  { transport: "http" as Transport, pipelineGraphView: false },
])("over $transport, graph view plugin: $pipelineGraphView", ({ transport, pipelineGraphView }) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ pipelineGraphView });
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: policyFile } });
  });

  afterAll(async () => {
    await session?.close();
    await restricted?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  describe("getFailureSummary", () => {
    it.each(SHAPES)("finds why $job failed: $error", async (shape) => {
      const answer = await session.call("getFailureSummary", {
        jobFullName: shape.job,
        buildNumber: shape.build,
      });
      const result = expectOk(answer);
      expect(answerBytes(answer)).toBeLessThanOrEqual(2000);
      const errors = result.errors as Array<{ log: string; lines: string[] }>;
      expect(errors[0]?.log).toBe(shape.log);
      expect(errors.flatMap((error) => error.lines)).toContainEqual(shape.error);
      if (shape.stage === null) {
        expect(result.failedStage).toBeNull();
      } else {
        // The stage view lists nested stages flat: it names the inner stage alone.
        const stage = pipelineGraphView ? shape.stage : (shape.stage.split(" » ").at(-1) ?? "");
        expect(result.failedStage).toMatchObject({
          name: shape.branch && !pipelineGraphView ? "Test » integration" : stage,
          status: "FAILED",
          branch: shape.branch,
          error: "script returned exit code 1",
        });
      }
      expect(answer.text).not.toMatch(/End of Pipeline|Finished: FAILURE/);
    });

    it("says since when a job fails, which tests are new, and what changed since it passed", async () => {
      const answer = await session.call("getFailureSummary", {
        jobFullName: SEED_JOBS.payments,
        buildNumber: 6,
      });
      const result = expectOk(answer);
      expect(result).toMatchObject({
        failingSince: { build: 3, lastSuccess: 2 },
        changes: { total: 5, complete: true },
        tests: {
          failing: [
            { name: "RefundTest.roundsHalfEven()", age: 4 },
            { name: "CurrencyTest.parsesYen()", age: 1 },
          ],
        },
      });
      expect(answer.text).toContain("Failing since #3; last success #2.");
      expect(answer.text).toMatch(/^- [0-9a-f]{7} alice: Log the refund id on failures$/m);
      expect(answerBytes(answer)).toBeLessThanOrEqual(2000);
    });

    it("names the next call, with the stage to read", async () => {
      const answer = await session.call("getFailureSummary", { jobFullName: SEED_JOBS.deployCleanup });
      expect(expectOk(answer).next).toEqual({
        tool: "getStageLog",
        arguments: { jobFullName: SEED_JOBS.deployCleanup, buildNumber: FAILED, stage: "Deploy" },
      });
    });

    it("refuses a job the policy hides, before reading its stages or its log", async () => {
      const answer = await restricted.call("getFailureSummary", { jobFullName: SEED_JOBS.deployCleanup });
      expectRefused(answer, /diag\/deploy-cleanup/);
      expect(
        sim.requests.filter((request) => /wfapi|stages|execution|consoleText/.test(request.path)),
      ).toEqual([]);
    });

    it("explains a Jenkins failure while reading the stages in one sentence", async () => {
      sim.injectFault({ match: { path: /\/4\/(?:stages\/tree|wfapi\/describe)$/ }, kind: "html500" });
      const answer = await session.call("getFailureSummary", { jobFullName: SEED_JOBS.deployCleanup });
      expectOneSentence(answer, /^Jenkins failed with 500\b.*reading the stages of diag\/deploy-cleanup #4/);
    });
  });

  describe("getStageLog", () => {
    it("reads the failing branch's step from just before its error", async () => {
      const answer = await session.call("getStageLog", {
        jobFullName: SEED_JOBS.parallelTests,
        buildNumber: FAILED,
        stage: "Test",
        limit: 20,
      });
      const result = expectOk(answer);
      expect(result).toMatchObject({ stage: "Test", status: "FAILED", focus: "error" });
      const steps = result.steps as Array<{ branch: string | null; status: string }>;
      expect(steps.find((step) => step.status === "FAILED")?.branch).toBe("integration");
      const parts = result.log as Array<{ step: string; lines: string[] }>;
      expect(parts.map((part) => part.step)).toEqual([expect.stringContaining("./mvnw -B verify")]);
      const lines = parts.flatMap((part) => part.lines);
      expect(lines.some((line) => line.includes("expected:<200> but was:<503>"))).toBe(true);
      // Only that step's lines: not the other branches' (their output interleaves in the console).
      expect(
        lines.filter((line) => /Running com\.acme\.(?!FooIT)|passed \(|\[\d+\/\d+\]/.test(line)),
      ).toEqual([]);
    });

    it("reads the last lines of a stage that succeeded", async () => {
      const answer = await session.call("getStageLog", {
        jobFullName: SEED_JOBS.deployCleanup,
        buildNumber: FAILED,
        stage: "Build",
        limit: 5,
      });
      const result = expectOk(answer);
      expect(result).toMatchObject({ stage: "Build", status: "SUCCESS", focus: "end" });
      expect((result.log as Array<{ lines: string[] }>).flatMap((part) => part.lines)).toHaveLength(5);
    });

    it("lists the stages when the one asked for does not exist", async () => {
      const answer = await session.call("getStageLog", {
        jobFullName: SEED_JOBS.deployCleanup,
        buildNumber: FAILED,
        stage: "Release",
      });
      expectOneSentence(answer, /^diag\/deploy-cleanup #4 has no stage "Release"\. Its stages: .*"Deploy"/);
    });

    it("sends a freestyle job to getBuildLog", async () => {
      const answer = await session.call("getStageLog", {
        jobFullName: SEED_JOBS.mavenCompile,
        stage: "Build",
      });
      expectOneSentence(answer, /is a freestyle job, whose builds have no stages: getBuildLog reads its log/);
    });

    it("refuses bad input before asking Jenkins", async () => {
      for (const args of [
        { jobFullName: SEED_JOBS.deployCleanup, stage: "" },
        { jobFullName: SEED_JOBS.deployCleanup, stage: "Deploy", limit: 0 },
        { jobFullName: SEED_JOBS.deployCleanup, stage: "Deploy", limit: 5000 },
      ]) {
        expectRefused(await session.call("getStageLog", args), /stage|limit/);
      }
      expect(sim.requests).toEqual([]);
    });

    it("refuses a job the policy hides", async () => {
      const answer = await restricted.call("getStageLog", {
        jobFullName: SEED_JOBS.deployCleanup,
        stage: "Deploy",
      });
      expectRefused(answer, /diag\/deploy-cleanup/);
      expect(sim.requests.filter((request) => /execution/.test(request.path))).toEqual([]);
    });

    it("explains a Jenkins failure while reading a step's log in one sentence", async () => {
      sim.injectFault({
        match: { path: /\/execution\/node\/\d+\/log\/logText\/progressiveText$/ },
        kind: "html502",
      });
      const answer = await session.call("getStageLog", {
        jobFullName: SEED_JOBS.deployCleanup,
        buildNumber: FAILED,
        stage: "Deploy",
      });
      expectOneSentence(
        answer,
        /^Jenkins failed with 502\b.*reading the log of step \d+ of diag\/deploy-cleanup #4/,
      );
    });
  });
});

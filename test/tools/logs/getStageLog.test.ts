import { describe, expect, it } from "vitest";
import type { PipelineGraph } from "../../../src/jenkins/flow.js";
import type { JobType } from "../../../src/jenkins/items.js";
import { callTool } from "../call-tool.js";
import { type FakeBuild, FakeJenkins, flowStage, flowStep } from "../fake-jenkins.js";

const GRAPH: PipelineGraph = {
  source: "stageView",
  stepsCut: false,
  stages: [
    flowStage("Build", "SUCCESS", {
      steps: [flowStep("5", "Shell Script: make"), flowStep("6", "Print Message: built")],
    }),
    flowStage("Verify", "FAILED", {
      children: [
        flowStage("Lint", "SUCCESS", { steps: [flowStep("9", "Shell Script: make lint")] }),
        flowStage("Test", "FAILED", {
          error: "script returned exit code 2",
          children: [
            flowStage("unit", "FAILED", {
              branch: true,
              steps: [flowStep("12", "Shell Script: make unit", "FAILED", "script returned exit code 2")],
            }),
            flowStage("e2e", "SUCCESS", { branch: true, steps: [flowStep("13", "Shell Script: make e2e")] }),
          ],
        }),
      ],
    }),
    flowStage("Declarative: Post Actions", "SUCCESS", {
      steps: [flowStep("30", "Shell Script: ./cleanup.sh")],
    }),
  ],
};

const UNIT_LOG = [
  "+ make unit",
  ...Array.from({ length: 20 }, (_, index) => `=== RUN TestCart${index}`),
  "--- FAIL: TestCartTotal (0.00s)",
  "    cart_test.go:12: total = 3, want 4",
  "FAIL",
  ...Array.from({ length: 30 }, (_, index) => `cleanup ${index}`),
];

function stageLog(args: Record<string, unknown>, build: Partial<FakeBuild> = {}, type: JobType = "pipeline") {
  const jenkins = new FakeJenkins([
    {
      fullName: "team/api",
      type,
      builds: [
        {
          number: 7,
          result: "FAILURE",
          graph: GRAPH,
          stepLogs: {
            "5": ["+ make", "built 12 packages"],
            "6": ["built"],
            "12": UNIT_LOG,
            "13": ["+ make e2e", "ok"],
            "30": ["+ ./cleanup.sh", "removed 3 images"],
          },
          ...build,
        },
      ],
    },
  ]);
  return callTool(jenkins, "getStageLog", { jobFullName: "team/api", buildNumber: 7, ...args });
}

describe("getStageLog", () => {
  it("shows a failed stage's steps and the failed step's log from just before its first error", async () => {
    const answer = await stageLog({ stage: "Verify » Test", limit: 4 });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject({
      stage: "Verify » Test",
      status: "FAILED",
      error: "script returned exit code 2",
      steps: [
        { id: "12", step: "Shell Script: make unit", branch: "unit", status: "FAILED" },
        { id: "13", step: "Shell Script: make e2e", branch: "e2e", status: "SUCCESS" },
      ],
      focus: "error",
      log: [
        {
          stepId: "12",
          fromLine: 16,
          lines: ["=== RUN TestCart15", "=== RUN TestCart16", "=== RUN TestCart17", "=== RUN TestCart18"],
          hasMoreBefore: true,
          hasMoreAfter: true,
        },
      ],
    });
    expect(answer.text).toContain("- [unit] Shell Script: make unit: FAILED: script returned exit code 2");
    expect(answer.text).toContain("16 === RUN TestCart15");
  });

  it("reads a branch alone, by its own name", async () => {
    const answer = await stageLog({ stage: "unit" });
    expect(answer.structured).toMatchObject({
      stage: "Verify » Test » unit",
      log: [
        { stepId: "12", fromLine: 16, lines: expect.arrayContaining(["--- FAIL: TestCartTotal (0.00s)"]) },
      ],
    });
  });

  it("shows the last lines of a stage that did not fail, across its steps", async () => {
    const answer = await stageLog({ stage: "build", limit: 2 });
    expect(answer.structured).toMatchObject({
      stage: "Build",
      focus: "end",
      log: [
        { stepId: "5", fromLine: -1, lines: ["built 12 packages"] },
        { stepId: "6", fromLine: -1, lines: ["built"] },
      ],
    });
  });

  it("finds declarative's own stages by either plugin's name", async () => {
    const answer = await stageLog({ stage: "Post Actions" });
    expect(answer.structured).toMatchObject({ stage: "Declarative: Post Actions" });
  });

  it("lists the stages when the one asked for does not exist", async () => {
    const answer = await stageLog({ stage: "Deploy" });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      /^team\/api #7 has no stage "Deploy"\. Its stages: "Build", "Verify", "Verify » Lint", "Verify » Test", "Verify » Test » unit", "Verify » Test » e2e", "Declarative: Post Actions"\./,
    );
  });

  it("sends a freestyle job to getBuildLog", async () => {
    const answer = await stageLog({ stage: "Build" }, {}, "freestyle");
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/is a freestyle job, whose builds have no stages: getBuildLog reads its log/);
  });

  it("sends a pipeline without stage data to getBuildLog", async () => {
    const answer = await stageLog({ stage: "Build" }, { graph: undefined });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/has no stages Jenkins can tell .*: getBuildLog reads its log/);
  });

  it("masks secrets in the log and in errors", async () => {
    const answer = await stageLog(
      { stage: "Build" },
      { stepLogs: { "5": ["export TOKEN=ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"], "6": [] } },
    );
    expect(answer.text).not.toContain("ghp_A1b2");
    expect(answer.text).toContain("****");
  });
});

import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { PipelineGraph } from "../../../src/jenkins/flow.js";
import type { JobType } from "../../../src/jenkins/items.js";
import { callTool } from "../call-tool.js";
import { type FakeBuild, FakeJenkins, flowStage, flowStep } from "../fake-jenkins.js";

/** The summary of team/api #7, a failed build with this log and evidence, through the tool. */
function summarize(evidence: Omit<FakeBuild, "number" | "result">, type: JobType = "pipeline") {
  const jenkins = new FakeJenkins([
    { fullName: "team/api", type, builds: [{ number: 7, result: "FAILURE", ...evidence }] },
  ]);
  return callTool(jenkins, "getFailureSummary", { jobFullName: "team/api", buildNumber: 7 });
}

function answerBytes(answer: { text: string; structured?: unknown }): number {
  return Buffer.byteLength(answer.text) + Buffer.byteLength(JSON.stringify(answer.structured));
}

/** `count` lines of noise a build prints around its errors. */
function noise(count: number, from = 0): string[] {
  return Array.from({ length: count }, (_, index) => `removed 'build/classes/Foo${from + index}.class'`);
}

/** Build, a Test stage whose `unit` branch fails in step 12 while `lint` passes, then post actions. */
const PARALLEL_GRAPH: PipelineGraph = {
  source: "graphView",
  stepsCut: false,
  stages: [
    flowStage("Build", "SUCCESS", { steps: [flowStep("5", "Shell Script: make")] }),
    flowStage("Test", "FAILED", {
      children: [
        flowStage("unit", "FAILED", {
          branch: true,
          steps: [flowStep("12", "Shell Script: make unit", "FAILED", "script returned exit code 2")],
        }),
        flowStage("lint", "SUCCESS", { branch: true, steps: [flowStep("13", "Shell Script: make lint")] }),
      ],
    }),
    flowStage("Post Actions", "SUCCESS", { steps: [flowStep("30", "Shell Script: ./cleanup.sh")] }),
  ],
};

describe("getFailureSummary finds the error wherever it is in the log", () => {
  it("quotes an error thousands of lines above the end, numbered as getBuildLog's skip", async () => {
    const log = [
      "+ kubectl apply -f k8s/",
      'error: unable to recognize "k8s/deploy.yaml": no matches for kind "Deployment"',
      ...noise(3000),
      "Finished: FAILURE",
    ];
    const answer = await summarize({ log }, "freestyle");
    expect(answer.structured).toMatchObject({
      failedStage: null,
      errors: [
        {
          kind: "generic",
          log: "build",
          line: 0,
          command: null,
          lines: [
            "+ kubectl apply -f k8s/",
            expect.stringMatching(/^error: unable to recognize/),
            "removed 'build/classes/Foo0.class'",
            "removed 'build/classes/Foo1.class'",
          ],
        },
      ],
      notScanned: null,
      next: {
        tool: "getBuildLog",
        arguments: { jobFullName: "team/api", buildNumber: 7, skip: 0, limit: 50 },
      },
    });
    expect(answer.text).toContain('1 error: unable to recognize "k8s/deploy.yaml"');
    expect(answer.text).not.toMatch(/Finished: FAILURE\n/);
  });

  it("says when the log names no error it recognises", async () => {
    const answer = await summarize({
      log: [...noise(20), "[Pipeline] End of Pipeline", "Finished: FAILURE"],
    });
    expect(answer.structured?.errors).toEqual([]);
    expect(answer.text).toContain("No error lines found in the log.");
  });
});

describe("getFailureSummary in a pipeline", () => {
  it("names the failed stage, branch and step, and quotes the step's own log", async () => {
    const answer = await summarize({
      graph: PARALLEL_GRAPH,
      stepLogs: {
        "12": ["+ make unit", "src/cart.go:12:5: undefined: Total", "make: *** [unit] Error 2"],
        "13": ["+ make lint", "ok"],
      },
      // The build log interleaves both branches: the step's own log is read instead.
      log: ["+ make unit", "+ make lint", "ok", "src/cart.go:12:5: undefined: Total", ...noise(50)],
    });
    expect(answer.structured).toMatchObject({
      failedStage: {
        name: "Test » unit",
        status: "FAILED",
        branch: "unit",
        step: "Shell Script: make unit",
        error: "script returned exit code 2",
      },
      errors: [
        { kind: "go", log: "step", line: 0, lines: ["+ make unit", "src/cart.go:12:5: undefined: Total"] },
        { kind: "make", log: "step", line: 2, command: "+ make unit", lines: ["make: *** [unit] Error 2"] },
      ],
      next: {
        tool: "getStageLog",
        arguments: { jobFullName: "team/api", buildNumber: 7, stage: "Test » unit" },
      },
    });
    expect(answer.text).toContain(
      'Stage "Test » unit" FAILED, step Shell Script: make unit: script returned exit code 2',
    );
    expect(answer.text).toContain("Errors in the failed step's own log");
  });

  it("reads the build log when the failed step printed no error it recognises", async () => {
    const answer = await summarize({
      graph: PARALLEL_GRAPH,
      stepLogs: { "12": ["+ make unit"] },
      log: ["+ make unit", "FATAL: out of disk space", ...noise(10)],
    });
    expect(answer.structured).toMatchObject({
      failedStage: { name: "Test » unit" },
      errors: [{ log: "build", line: 0, lines: expect.arrayContaining(["FATAL: out of disk space"]) }],
    });
  });

  it("still answers from the log when Jenkins tells no stages", async () => {
    const answer = await summarize({ log: ["ERROR: script returned exit code 1", "Finished: FAILURE"] });
    expect(answer.structured).toMatchObject({
      failedStage: null,
      errors: [{ log: "build", kind: "exitCode" }],
    });
  });
});

describe("getFailureSummary's tests", () => {
  it("tells a new failure from one failing for several builds", async () => {
    const failing = (name: string, age: number) => ({
      className: "com.acme.CartTest",
      name,
      status: "FAILED" as const,
      durationSec: 1,
      errorDetails: `${name} broke`,
      errorStackTrace: null,
      age,
      failedSince: 8 - age,
    });
    const answer = await summarize({
      log: ["Tests run: 3, Failures: 2, Errors: 0"],
      tests: { passed: 1, failed: 2, skipped: 0, cases: [failing("addsItem", 1), failing("removesItem", 4)] },
    });
    expect(answer.structured?.tests).toMatchObject({
      failing: [
        { name: "CartTest.addsItem", age: 1 },
        { name: "CartTest.removesItem", age: 4 },
      ],
    });
    expect(answer.text).toContain("- CartTest.addsItem (new): addsItem broke");
    expect(answer.text).toContain("- CartTest.removesItem (failing for 4 builds): removesItem broke");
  });
});

describe("getFailureSummary's budget", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("stops reading a log that takes too long, reads its end instead, and says so", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const jenkins = new FakeJenkins([
      {
        fullName: "team/api",
        type: "freestyle",
        builds: [
          { number: 7, result: "FAILURE", log: [...noise(100), "ERROR: deploy failed", "Finished: FAILURE"] },
        ],
      },
    ]);
    // Each chunk of the log takes a second to arrive.
    const slowScan = jenkins.scanLog.bind(jenkins);
    jenkins.scanLog = (request, consume) =>
      slowScan(request, (lines) => {
        const more = consume(lines.slice(0, 50));
        vi.setSystemTime(Date.now() + 1000);
        return more && consume(lines.slice(50));
      });
    const answer = await callTool(jenkins, "getFailureSummary", { jobFullName: "team/api", buildNumber: 7 });
    expect(answer.structured).toMatchObject({
      errors: [
        {
          log: "build",
          line: null,
          linesFromEnd: 4,
          lines: [
            "removed 'build/classes/Foo98.class'",
            "removed 'build/classes/Foo99.class'",
            "ERROR: deploy failed",
          ],
        },
      ],
      notScanned: expect.stringMatching(
        /^Read the first 50 lines \(2 KB\) and the last 102 before the time limit/,
      ),
      next: { tool: "getBuildLog", arguments: { limit: -4 } },
    });
  });
});

describe("getFailureSummary's secrets", () => {
  it("masks them in error lines, the failed stage and failing tests", async () => {
    const answer = await summarize({
      log: ["+ git push", "ERROR: push rejected for ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "done"],
      graph: {
        source: "stageView",
        stepsCut: false,
        stages: [
          flowStage("Build", "SUCCESS"),
          flowStage("Deploy", "FAILED", {
            error: "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc' failed",
          }),
        ],
      },
      tests: {
        passed: 10,
        failed: 1,
        skipped: 0,
        cases: [
          {
            className: "com.acme.DeployTest",
            name: "logsIn",
            status: "FAILED",
            durationSec: 1,
            errorDetails: "login password=hunter2 refused",
            errorStackTrace: null,
          },
        ],
      },
    });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject({
      failedStage: { name: "Deploy", status: "FAILED", error: "curl -H 'Authorization: Bearer ****' failed" },
      tests: {
        total: 11,
        failed: 1,
        skipped: 0,
        failing: [{ name: "DeployTest.logsIn", error: "login password=**** refused" }],
      },
      errors: [{ line: 0, lines: ["+ git push", "ERROR: push rejected for ****", "done"] }],
    });
    expect(answer.text).not.toMatch(/ghp_|eyJhbGci|hunter2/);
  });

  // A line cut to the width before it was masked showed "ghp_" and 11 of the token's characters.
  it("shows no part of a credential that the line width cuts", async () => {
    const token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    const answer = await summarize({
      log: [
        `ERROR: git push to https://github.com/acme/api.git was rejected: the remote refused the update of refs/heads/main because a required status check is failing; the credentials used were ${token}`,
      ],
    });
    expect(answer.text).not.toContain(token.slice(0, 8));
  });
});

/** Log lines as builds print them: error shapes, Jenkins' own lines, anything else, up to long. */
const anyText = fc.string({ maxLength: 400, size: "max" });
const logLine = fc.oneof(
  anyText,
  fc
    .tuple(
      fc.constantFrom(
        "ERROR:",
        "FATAL:",
        "error:",
        "[ERROR]",
        "java.lang.IllegalStateException:",
        "npm ERR!",
        "[Pipeline] error",
        "Finished: FAILURE",
      ),
      anyText,
    )
    .map(([words, rest]) => `${words} ${rest}`),
);

describe("getFailureSummary's size", () => {
  it("stays within 2,000 bytes of text and structured content, for any log", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(logLine, { maxLength: 500, size: "max" }), async (log) => {
        const answer = await summarize({ log, graph: PARALLEL_GRAPH, stepLogs: { "12": log } });
        expect(answer.isError, answer.text).toBe(false);
        expect(answerBytes(answer)).toBeLessThanOrEqual(2000);
      }),
      { numRuns: 60 },
    );
  });

  // A parameterized test's name carries its arguments: names, causes and stages are cut too.
  it("stays within 2,000 bytes when a failing test has a very long name", async () => {
    const answer = await summarize({
      tests: {
        passed: 0,
        failed: 1,
        skipped: 0,
        cases: [
          {
            className: "com.acme.ParserTest",
            name: `parses[${"x".repeat(3000)}]`,
            status: "FAILED",
            durationSec: 1,
            errorDetails: null,
            errorStackTrace: null,
          },
        ],
      },
    });
    expect(answerBytes(answer)).toBeLessThanOrEqual(2000);
  });
});

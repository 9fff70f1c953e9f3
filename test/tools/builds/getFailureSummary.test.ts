import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isErrorLine } from "../../../src/tools/builds/getFailureSummary.js";
import { callTool } from "../call-tool.js";
import { type FakeBuild, FakeJenkins } from "../fake-jenkins.js";

describe("error lines of a log", () => {
  it.each([
    ["[ERROR] Failed to execute goal", true],
    ["Main.java:3: error: cannot find symbol", true],
    ["[2026-11-20T09:14:03.512Z] script returned exit code 1", true],
    ["Finished: FAILURE", false],
    ["[Pipeline] error", false],
    // Timestamper prefixes every pipeline line, Jenkins' own steps and verdict included.
    ["[2026-11-20T09:14:03.512Z] Finished: FAILURE", false],
    ["[2026-11-20T09:14:03.512Z] [Pipeline] // stage (failed)", false],
    ["09:14:03 Finished: FAILURE", false],
    ["[09:14:03] [Pipeline] error", false],
  ])("%j is an error line: %s", (line, expected) => {
    expect(isErrorLine(line)).toBe(expected);
  });
});

/** The summary of team/api #7, a failed build with this log and evidence, through the tool. */
function summarize(evidence: Omit<FakeBuild, "number" | "result">) {
  const jenkins = new FakeJenkins([
    { fullName: "team/api", type: "pipeline", builds: [{ number: 7, result: "FAILURE", ...evidence }] },
  ]);
  return callTool(jenkins, "getFailureSummary", { jobFullName: "team/api", buildNumber: 7 });
}

/** A log of `length` lines, "ERROR at i" at the given indexes and "step i" elsewhere. */
function logWithErrorsAt(length: number, errors: number[]): string[] {
  return Array.from({ length }, (_, index) =>
    errors.includes(index) ? `ERROR at ${index}` : `step ${index}`,
  );
}

const TEN_ERRORS = Array.from({ length: 10 }, (_, index) => `ERROR ${index + 1}`);

describe("getFailureSummary's error blocks, from the end of the log", () => {
  it.each([
    {
      what: "an error line with one line before it and two after",
      log: [
        "Started by user admin",
        "+ make test",
        "ERROR: 3 tests failed",
        "see target/reports",
        "cleaning up",
        "archiving",
        "Finished: FAILURE",
      ],
      errors: [
        {
          linesFromEnd: 6,
          lines: ["+ make test", "ERROR: 3 tests failed", "see target/reports", "cleaning up"],
        },
      ],
    },
    {
      what: "error lines near each other, merged into one block",
      log: [
        "compile",
        "ERROR: a.c:1: syntax error",
        "note: here",
        "ERROR: b.c:2: syntax error",
        "compilation stopped",
        "archiving",
        "cleanup",
        "Finished: FAILURE",
      ],
      errors: [
        {
          linesFromEnd: 8,
          lines: [
            "compile",
            "ERROR: a.c:1: syntax error",
            "note: here",
            "ERROR: b.c:2: syntax error",
            "compilation stopped",
            "archiving",
          ],
        },
      ],
    },
    {
      what: "a run of error lines, cut at six lines so that the next ones start a block",
      log: TEN_ERRORS,
      errors: [
        { linesFromEnd: 10, lines: ["ERROR 1", "ERROR 2", "ERROR 3", "ERROR 4", "ERROR 5", "ERROR 6"] },
        { linesFromEnd: 4, lines: ["ERROR 7", "ERROR 8", "ERROR 9", "ERROR 10"] },
      ],
    },
    {
      what: "the first three blocks only",
      log: logWithErrorsAt(40, [0, 10, 20, 30]),
      errors: [
        { linesFromEnd: 40, lines: ["ERROR at 0", "step 1", "step 2"] },
        { linesFromEnd: 31, lines: ["step 9", "ERROR at 10", "step 11", "step 12"] },
        { linesFromEnd: 21, lines: ["step 19", "ERROR at 20", "step 21", "step 22"] },
      ],
    },
    {
      what: "an error behind Timestamper's prefix",
      log: [
        "[2026-11-20T09:14:03.512Z] + ./deploy.sh",
        "[2026-11-20T09:14:03.600Z] script returned exit code 1",
        "[2026-11-20T09:14:03.700Z] [Pipeline] }",
        "[2026-11-20T09:14:03.800Z] [Pipeline] // node",
        "[2026-11-20T09:14:03.900Z] Finished: FAILURE",
      ],
      errors: [
        {
          linesFromEnd: 5,
          lines: [
            "[2026-11-20T09:14:03.512Z] + ./deploy.sh",
            "[2026-11-20T09:14:03.600Z] script returned exit code 1",
            "[2026-11-20T09:14:03.700Z] [Pipeline] }",
            "[2026-11-20T09:14:03.800Z] [Pipeline] // node",
          ],
        },
      ],
    },
    {
      what: "none for Jenkins' own steps and verdict, with or without Timestamper's prefix",
      log: [
        "[Pipeline] error",
        "[Pipeline] // stage (failed)",
        "[2026-11-20T09:14:03.512Z] [Pipeline] End of Pipeline (failed)",
        "[09:14:03] [Pipeline] error",
        "[2026-11-20T09:14:03.512Z] Finished: FAILURE",
        "09:14:03 Finished: FAILURE",
        "Finished: FAILURE",
      ],
      errors: [],
    },
  ])("$what", async ({ log, errors }) => {
    const answer = await summarize({ log });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured?.errors).toEqual(errors);
    if (errors.length === 0) expect(answer.text).toMatch(/\nNo error lines in the last 300 log lines: /);
  });

  it("numbers each shown line from the end, for getBuildLog's negative limit", async () => {
    const answer = await summarize({ log: logWithErrorsAt(12, [4]) });
    expect(answer.text.split("\n").filter((line) => /^-\d+ /.test(line))).toEqual([
      "-9 step 3",
      "-8 ERROR at 4",
      "-7 step 5",
      "-6 step 6",
    ]);
  });
});

describe("getFailureSummary's secrets", () => {
  it("masks them in error lines, the failed stage and failing tests", async () => {
    const answer = await summarize({
      log: ["+ git push", "ERROR: push rejected for ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8", "done"],
      stages: {
        status: "FAILED",
        stages: [
          { name: "Build", status: "SUCCESS", durationMs: 1000, error: null },
          {
            name: "Deploy",
            status: "FAILED",
            durationMs: 2000,
            error: "curl -H 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc' failed",
          },
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
      errors: [{ linesFromEnd: 3, lines: ["+ git push", "ERROR: push rejected for ****", "done"] }],
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

/**
 * Log lines as builds print them: error words, Jenkins' own lines, anything else. Sizes up to the
 * maximum, so that tails near 300 long lines, which need the least detail to fit, are common.
 */
const anyText = fc.string({ maxLength: 400, size: "max" });
const logLine = fc.oneof(
  anyText,
  fc
    .tuple(
      fc.constantFrom("ERROR:", "FATAL", "Exception in thread", "[Pipeline] error", "Finished: FAILURE"),
      anyText,
    )
    .map(([words, rest]) => `${words} ${rest}`),
);

describe("getFailureSummary's size", () => {
  it("stays within 2,000 characters, with at most three blocks, for any log tail", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(logLine, { maxLength: 300, size: "max" }), async (log) => {
        const answer = await summarize({ log });
        expect(answer.isError, answer.text).toBe(false);
        expect(answer.text.length).toBeLessThanOrEqual(2000);
        expect((answer.structured?.errors as unknown[] | undefined)?.length).toBeLessThanOrEqual(3);
      }),
    );
  });

  // A parameterized test's name carries its arguments: names, causes and stages are cut too.
  it("stays within 2,000 characters when a failing test has a very long name", async () => {
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
    expect(answer.text.length).toBeLessThanOrEqual(2000);
  });
});

import { z } from "zod";
import { describeBuild, parseJobPath } from "../../jenkins/paths.js";
import { isFailing, type TestCase } from "../../jenkins/tests.js";
import { defineTool, ToolError } from "../registry.js";
import { buildNumber, jobFullName } from "../schemas.js";
import { cut, testError } from "./excerpts.js";

const MAX_LISTED_TESTS = 100;
const TESTS_TEXT_BUDGET = 12_000;
const TEST_ERROR_CHARS = 300;

const testSchema = z.object({
  className: z.string(),
  name: z.string(),
  status: z.enum(["PASSED", "SKIPPED", "FAILED", "FIXED", "REGRESSION"]),
  durationSec: z.number(),
  error: z.string().nullable(),
  /** Failing tests only: builds in a row it has failed, this one included, and where that began. */
  age: z.number().optional(),
  failedSince: z.number().optional(),
});

export const getTestResults = defineTool({
  name: "getTestResults",
  toolset: "builds",
  core: false,
  title: "Get test results",
  description:
    'A build\'s JUnit results: counts, and the failing tests with their error messages and for how many builds each has failed (age; 1 is a new failure), all tests with onlyFailingTests: false, cut to fit. E.g. {"jobFullName": "team/api", "buildNumber": 42}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    onlyFailingTests: z.boolean().default(true).describe("List failing tests only (default true)"),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    total: z.number(),
    passed: z.number(),
    failed: z.number(),
    skipped: z.number(),
    tests: z.array(testSchema),
    omitted: z.number(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const build = await context.readBuild(input.jobFullName, input.buildNumber);
    const name = describeBuild([build.jobFullName], build.number);
    if (!build.tests) {
      throw new ToolError(
        `${name} has no test results: it published no JUnit report. getBuildLog shows what it ran.`,
      );
    }
    const report = await context.jenkins.testReport(
      parseJobPath(build.jobFullName),
      build.number,
      context.signal,
    );
    const chosen = report.cases
      .filter((test) => !input.onlyFailingTests || isFailing(test.status))
      .sort((a, b) => rank(a) - rank(b));
    const tests = fitTests(chosen, context.mask);
    const structured = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      total: report.passed + report.failed + report.skipped,
      passed: report.passed,
      failed: report.failed,
      skipped: report.skipped,
      tests,
      omitted: chosen.length - tests.length,
    };
    context.audit.done = `read the test results of ${name}`;
    return { text: renderTests(name, structured, input.onlyFailingTests), structured };
  },
});

/** Failing tests first, then skipped, then passing ones. */
function rank(test: TestCase): number {
  if (isFailing(test.status)) return 0;
  return test.status === "SKIPPED" ? 1 : 2;
}

function fitTests(tests: TestCase[], mask: (text: string) => string): Array<z.input<typeof testSchema>> {
  const fitted: Array<z.input<typeof testSchema>> = [];
  let size = 0;
  for (const test of tests.slice(0, MAX_LISTED_TESTS)) {
    const error = testError(test);
    const entry = {
      className: test.className,
      name: test.name,
      status: test.status,
      durationSec: test.durationSec,
      error: error === null ? null : mask(cut(error, TEST_ERROR_CHARS)),
      ...(test.age !== undefined && test.failedSince !== undefined
        ? { age: test.age, failedSince: test.failedSince }
        : {}),
    };
    size += entry.className.length + entry.name.length + (entry.error?.length ?? 0) + 40;
    if (size > TESTS_TEXT_BUDGET && fitted.length > 0) break;
    fitted.push(entry);
  }
  return fitted;
}

function renderTests(
  name: string,
  result: {
    total: number;
    failed: number;
    skipped: number;
    tests: Array<z.input<typeof testSchema>>;
    omitted: number;
  },
  onlyFailing: boolean,
): string {
  const lines = [`${name}: ${result.total} tests, ${result.failed} failed, ${result.skipped} skipped.`];
  for (const test of result.tests) {
    lines.push(
      `- ${test.status} ${test.className}.${test.name}${failingFor(test)}${test.error ? `: ${test.error}` : ""}`,
    );
  }
  if (result.omitted > 0) {
    lines.push(`…and ${result.omitted} more ${onlyFailing ? "failing tests" : "tests"} not shown.`);
  }
  return lines.join("\n");
}

/** " (failing for 4 builds, since #3)", or " (new failure)" when it failed first in this build. */
function failingFor(test: z.input<typeof testSchema>): string {
  if (test.age === undefined || test.failedSince === undefined) return "";
  return test.age <= 1 ? " (new failure)" : ` (failing for ${test.age} builds, since #${test.failedSince})`;
}

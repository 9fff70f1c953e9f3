import type { Build, TestCase } from "./world.js";

/**
 * How long a JUnit case has been failing, as junit-plugin's CaseResult computes it: `failedSince`
 * is fixed when the result is recorded (CaseResult.freeze → recomputeFailedSinceIfNeeded) and
 * `age` derives from it (CaseResult.getAge).
 */

/** CaseResult.getPreviousResult gives up after this many earlier results without the case. */
const BACKTRACK_BUILDS_MAX = 25;

function isFailed(test: TestCase): boolean {
  return test.status === "FAILED" || test.status === "REGRESSION";
}

function isPassed(test: TestCase): boolean {
  return test.status === "PASSED" || test.status === "FIXED";
}

/**
 * CaseResult.getPreviousResult: the same case (suite name and class.name) in an earlier build's
 * report. Builds without a report are passed over (hudson.tasks.test.TestResult.getPreviousResult
 * looks for the previous build WITH a TestResultAction), and so are reports without the case, up to
 * 25 of them.
 */
function previousCase(
  build: Build,
  suiteName: string,
  test: TestCase,
): { build: Build; test: TestCase } | null {
  let misses = 0;
  for (
    let earlier = build.previous();
    earlier && misses < BACKTRACK_BUILDS_MAX;
    earlier = earlier.previous()
  ) {
    const report = earlier.testResult;
    if (!report) continue;
    const suite = report.suites.find((candidate) => candidate.name === suiteName);
    const found = suite?.cases.find((c) => c.className === test.className && c.name === test.name);
    if (found) return { build: earlier, test: found };
    misses++;
  }
  return null;
}

/**
 * CaseResult.getFailedSince: for a failed case, the build where its current run of failures began
 * (the previous result's failedSince when that one failed too, else this build); 0 for a case that
 * passed or was skipped.
 */
export function failedSince(build: Build, suiteName: string, test: TestCase): number {
  if (!isFailed(test)) return 0;
  const previous = previousCase(build, suiteName, test);
  return previous && isFailed(previous.test)
    ? failedSince(previous.build, suiteName, previous.test)
    : build.number;
}

/**
 * CaseResult.getAge: 0 when passed, else `number - failedSince + 1`. A skipped case has failedSince
 * 0, so its age comes out as the build number plus one: a quirk of the plugin, kept.
 */
export function caseAge(build: Build, suiteName: string, test: TestCase): number {
  return isPassed(test) ? 0 : build.number - failedSince(build, suiteName, test) + 1;
}

import type { JenkinsHttp } from "./http.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/** A build's JUnit results (junit plugin). */

/** `testReport/api/json` as `TEST_REPORT_TREE` selects it (junit plugin's TestResult). */
interface RawTestReport {
  failCount?: number;
  passCount?: number;
  skipCount?: number;
  suites?: Array<{
    name?: string;
    cases?: Array<{
      className?: string;
      name?: string;
      status?: string;
      errorDetails?: string | null;
      errorStackTrace?: string | null;
      duration?: number;
      age?: number;
      failedSince?: number;
    }>;
  }>;
}

const TEST_REPORT_TREE =
  "failCount,passCount,skipCount,suites[name,cases[className,name,status,errorDetails,errorStackTrace,duration,age,failedSince]]";

/** CaseResult.Status: FAILED and REGRESSION failed this time; FIXED passed after failing. */
export type TestStatus = "PASSED" | "SKIPPED" | "FAILED" | "FIXED" | "REGRESSION";

export interface TestCase {
  className: string;
  name: string;
  status: TestStatus;
  durationSec: number;
  errorDetails: string | null;
  errorStackTrace: string | null;
  /**
   * Failing cases only: the builds in a row it has failed, this one included (CaseResult.getAge),
   * and the build where that run began (getFailedSince). Left out for passed and skipped cases,
   * whose age Jenkins gives as 0 or, for skipped ones, the build number plus one.
   */
  age?: number;
  failedSince?: number;
}

export interface TestReport {
  passed: number;
  failed: number;
  skipped: number;
  cases: TestCase[];
}

const TEST_STATUSES = new Set<string>(["PASSED", "SKIPPED", "FAILED", "FIXED", "REGRESSION"]);

export function isFailing(status: TestStatus): boolean {
  return status === "FAILED" || status === "REGRESSION";
}

export async function testReport(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<TestReport> {
  return toTestReport(
    await http.json<RawTestReport>({
      path: `${jobUrlPath(path)}${build}/testReport/api/json`,
      query: { tree: TEST_REPORT_TREE },
      action: `reading the test results of ${describeBuild(path, build)}`,
      notFound: {
        sentence: `${describeBuild(path, build)} has no test results: it published no JUnit report (or the build does not exist)`,
      },
      signal,
    }),
  );
}

function toTestReport(raw: RawTestReport): TestReport {
  const cases = (raw.suites ?? []).flatMap((suite) =>
    (suite.cases ?? []).map(
      (test): TestCase => ({
        className: test.className ?? suite.name ?? "",
        name: test.name ?? "(?)",
        status: (TEST_STATUSES.has(test.status ?? "") ? test.status : "PASSED") as TestStatus,
        durationSec: test.duration ?? 0,
        errorDetails: test.errorDetails ?? null,
        errorStackTrace: test.errorStackTrace ?? null,
        ...failingFor(test),
      }),
    ),
  );
  return {
    passed: raw.passCount ?? 0,
    failed: raw.failCount ?? 0,
    skipped: raw.skipCount ?? 0,
    cases,
  };
}

/** CaseResult's age and failedSince, kept for failing cases (a failed case has failedSince >= 1). */
function failingFor(test: { status?: string; age?: number; failedSince?: number }): {
  age?: number;
  failedSince?: number;
} {
  const failing = test.status === "FAILED" || test.status === "REGRESSION";
  if (!failing || !test.age || !test.failedSince) return {};
  return { age: test.age, failedSince: test.failedSince };
}

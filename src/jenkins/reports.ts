import { type ParameterDefinition, toParameterDefinition } from "./model.js";

/** What builds report beyond their own page: JUnit results, pipeline stages, waiting `input` steps. */

/** `testReport/api/json` as `TEST_REPORT_TREE` selects it (junit plugin's TestResult). */
export interface RawTestReport {
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
    }>;
  }>;
}

export const TEST_REPORT_TREE =
  "failCount,passCount,skipCount,suites[name,cases[className,name,status,errorDetails,errorStackTrace,duration]]";

/** CaseResult.Status: FAILED and REGRESSION failed this time; FIXED passed after failing. */
export type TestStatus = "PASSED" | "SKIPPED" | "FAILED" | "FIXED" | "REGRESSION";

export interface TestCase {
  className: string;
  name: string;
  status: TestStatus;
  durationSec: number;
  errorDetails: string | null;
  errorStackTrace: string | null;
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

export function toTestReport(raw: RawTestReport): TestReport {
  const cases = (raw.suites ?? []).flatMap((suite) =>
    (suite.cases ?? []).map(
      (test): TestCase => ({
        className: test.className ?? suite.name ?? "",
        name: test.name ?? "(?)",
        status: (TEST_STATUSES.has(test.status ?? "") ? test.status : "PASSED") as TestStatus,
        durationSec: test.duration ?? 0,
        errorDetails: test.errorDetails ?? null,
        errorStackTrace: test.errorStackTrace ?? null,
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

/** StatusExt of the Pipeline Stage View plugin (`wfapi`). */
export type StageStatus =
  | "SUCCESS"
  | "FAILED"
  | "UNSTABLE"
  | "ABORTED"
  | "IN_PROGRESS"
  | "PAUSED_PENDING_INPUT"
  | "NOT_EXECUTED";

/** `wfapi/describe`: RunExt and its StageNodeExt list (plain JSON, not Stapler's export). */
export interface RawRunExt {
  status?: string;
  durationMillis?: number;
  stages?: Array<{
    id?: string;
    name?: string;
    status?: string;
    startTimeMillis?: number;
    durationMillis?: number;
    error?: { message?: string; type?: string } | null;
  }>;
}

export interface Stage {
  name: string;
  status: StageStatus;
  durationMs: number;
  error: string | null;
}

export interface PipelineRun {
  status: StageStatus;
  stages: Stage[];
}

const STAGE_STATUSES = new Set<string>([
  "SUCCESS",
  "FAILED",
  "UNSTABLE",
  "ABORTED",
  "IN_PROGRESS",
  "PAUSED_PENDING_INPUT",
  "NOT_EXECUTED",
]);

function stageStatus(status: string | undefined): StageStatus {
  return (STAGE_STATUSES.has(status ?? "") ? status : "NOT_EXECUTED") as StageStatus;
}

export function toPipelineRun(raw: RawRunExt): PipelineRun {
  return {
    status: stageStatus(raw.status),
    stages: (raw.stages ?? []).map((stage) => ({
      name: stage.name ?? "",
      status: stageStatus(stage.status),
      durationMs: stage.durationMillis ?? 0,
      error: stage.error?.message ?? null,
    })),
  };
}

/** `wfapi/pendingInputActions`: PendingInputActionsExt with InputParameterDefExt inputs. */
export interface RawPendingInput {
  id: string;
  proceedText?: string | null;
  message?: string | null;
  inputs?: Array<{
    type?: string;
    name: string;
    description?: string | null;
    definition?: { defaultVal?: unknown; choices?: string[] } | null;
  }>;
}

export interface PendingInput {
  id: string;
  message: string;
  proceedText: string;
  parameters: ParameterDefinition[];
}

export function toPendingInput(raw: RawPendingInput): PendingInput {
  return {
    id: raw.id,
    message: raw.message ?? "",
    proceedText: raw.proceedText ?? "Proceed",
    // The plugin exports even a password's default in clear: the shared conversion masks it.
    parameters: (raw.inputs ?? []).map((input) =>
      toParameterDefinition({
        name: input.name,
        ...(input.type ? { type: input.type } : {}),
        description: input.description ?? null,
        defaultParameterValue: { value: input.definition?.defaultVal },
        ...(input.definition?.choices ? { choices: input.definition.choices } : {}),
      }),
    ),
  };
}

import type { NotFound } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type ParameterDefinition, toParameterDefinition } from "./parameters.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/** Pipeline builds through the Pipeline Stage View plugin (`wfapi`): stages, and waiting `input` steps. */

/** StatusExt of the Pipeline Stage View plugin (`wfapi`). */
type StageStatus =
  | "SUCCESS"
  | "FAILED"
  | "UNSTABLE"
  | "ABORTED"
  | "IN_PROGRESS"
  | "PAUSED_PENDING_INPUT"
  | "NOT_EXECUTED";

/** `wfapi/describe`: RunExt and its StageNodeExt list (plain JSON, not Stapler's export). */
interface RawRunExt {
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

interface Stage {
  name: string;
  status: StageStatus;
  durationMs: number;
  error: string | null;
}

export interface PipelineRun {
  status: StageStatus;
  stages: Stage[];
}

/** `wfapi/pendingInputActions`: PendingInputActionsExt with InputParameterDefExt inputs. */
interface RawPendingInput {
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

export type InputAnswer =
  | { action: "proceed"; parameters?: Array<{ name: string; value: string | boolean }> }
  | { action: "abort" };

const STAGE_STATUSES = new Set<string>([
  "SUCCESS",
  "FAILED",
  "UNSTABLE",
  "ABORTED",
  "IN_PROGRESS",
  "PAUSED_PENDING_INPUT",
  "NOT_EXECUTED",
]);

/** The stages of a pipeline build (Pipeline Stage View plugin). */
export async function pipelineRun(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<PipelineRun> {
  return toPipelineRun(
    await http.json<RawRunExt>({
      path: `${jobUrlPath(path)}${build}/wfapi/describe`,
      action: `reading the stages of ${describeBuild(path, build)}`,
      notFound: notAPipeline(path, build),
      // The stage view's REST API answers plain JSON, without Jenkins' headers.
      requireJenkinsHeader: false,
      signal,
    }),
  );
}

export async function pendingInputs(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  signal?: AbortSignal,
): Promise<PendingInput[]> {
  const raw = await http.json<RawPendingInput[] | null>({
    path: `${jobUrlPath(path)}${build}/wfapi/pendingInputActions`,
    action: `reading the inputs waiting in ${describeBuild(path, build)}`,
    notFound: notAPipeline(path, build),
    requireJenkinsHeader: false,
    signal,
  });
  return (raw ?? []).map(toPendingInput);
}

export async function answerInput(
  http: JenkinsHttp,
  path: JobPath,
  build: BuildRef,
  inputId: string,
  answer: InputAnswer,
  signal?: AbortSignal,
): Promise<void> {
  const parameters = answer.action === "proceed" ? (answer.parameters ?? []) : [];
  const verb = answer.action === "abort" ? "abort" : parameters.length > 0 ? "proceed" : "proceedEmpty";
  const response = await http.send({
    method: "POST",
    path: `${jobUrlPath(path)}${build}/input/${encodeURIComponent(inputId)}/${verb}`,
    // InputStepExecution reads the values from Stapler's `json` form field, as its own form sends them.
    ...(verb === "proceed"
      ? {
          body: new URLSearchParams({ json: JSON.stringify({ parameter: parameters }) }).toString(),
          headers: { "content-type": "application/x-www-form-urlencoded" },
        }
      : {}),
    accept: [302, 303],
    action: `${answer.action === "abort" ? "aborting" : "approving"} input "${inputId}" of ${describeBuild(path, build)}`,
    notFound: {
      sentence: `Input "${inputId}" of ${describeBuild(path, build)} is not waiting: it was answered already, or never existed`,
      subject: "input",
    },
    mutating: true,
    signal,
  });
  await response.body.dump();
}

function notAPipeline(path: JobPath, build: BuildRef): NotFound {
  return {
    sentence: `${describeBuild(path, build)} has no pipeline stages or inputs: it is not a pipeline build (or the build, or the Pipeline Stage View plugin, is missing)`,
  };
}

function stageStatus(status: string | undefined): StageStatus {
  return (STAGE_STATUSES.has(status ?? "") ? status : "NOT_EXECUTED") as StageStatus;
}

function toPipelineRun(raw: RawRunExt): PipelineRun {
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

function toPendingInput(raw: RawPendingInput): PendingInput {
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

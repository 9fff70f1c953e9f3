import type { NotFound } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type ParameterDefinition, toParameterDefinition } from "./parameters.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/** Pipeline builds' waiting `input` steps, through the Pipeline Stage View plugin (`wfapi`). */

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

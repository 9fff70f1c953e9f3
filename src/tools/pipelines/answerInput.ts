import { z } from "zod";
import type { ParameterDefinition } from "../../jenkins/parameters.js";
import { describeBuild } from "../../jenkins/paths.js";
import type { PendingInput } from "../../jenkins/pipelines.js";
import { checkParameters, describeParameters, maskedParameters } from "../parameters.js";
import { defineTool, ToolError } from "../registry.js";
import { jobFullName, requiredBuildNumber } from "../schemas.js";
import { readInputs } from "./inputs.js";

export const answerInput = defineTool({
  name: "answerInput",
  toolset: "pipelines",
  core: false,
  title: "Answer input",
  description:
    'Answer a pipeline\'s waiting `input` step (see getPendingInputs): proceed, with its parameters (policy action "trigger"), or abort, which ends the build (policy action "cancel"). E.g. {"jobFullName": "ops/deploy", "buildNumber": 7, "inputId": "Approve", "action": "proceed", "parameters": {"TARGET": "prod"}}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: requiredBuildNumber,
    inputId: z.string().min(1).max(200).describe('From getPendingInputs, e.g. "Approve"'),
    action: z.enum(["proceed", "abort"]).describe("proceed lets the build go on; abort ends it"),
    parameters: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('With proceed, e.g. {"TARGET": "prod"}; missing ones take defaults'),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    inputId: z.string(),
    action: z.enum(["proceed", "abort"]),
    parameters: z.record(z.string(), z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  writes: (args) => (args.action === "abort" ? "cancel" : "trigger"),
  async handler(input, context) {
    const action = input.action === "abort" ? "cancel" : "trigger";
    if (input.action === "abort" && input.parameters && Object.keys(input.parameters).length > 0) {
      throw new ToolError("parameters go with proceed only: abort takes none.");
    }
    const jobPath = await context.job(action, input.jobFullName);
    const { build, inputs } = await readInputs(jobPath, input.buildNumber, context);
    const name = describeBuild([build.jobFullName], build.number);
    const waiting = findInput(inputs, input.inputId, name);
    const sent = checkParameters(
      { fullName: `input "${waiting.id}"`, parameters: waiting.parameters },
      input.parameters ?? {},
    );
    const shown = maskedParameters(waiting.parameters, sent);
    const withParameters = describeParameters(shown);
    const what =
      input.action === "proceed"
        ? `approve "${waiting.message}" in ${name}${withParameters}`
        : `abort "${waiting.message}" in ${name}, which ends the build`;
    context.audit.parameters = shown;
    await context.authorize(action, build.jobFullName, what);
    await context.jenkins.answerInput(
      jobPath,
      build.number,
      waiting.id,
      input.action === "proceed"
        ? { action: "proceed", parameters: formValues(waiting.parameters, sent) }
        : { action: "abort" },
      context.signal,
    );
    const done =
      input.action === "proceed"
        ? `approved input ${waiting.id} of ${name}`
        : `aborted ${name} at input ${waiting.id}`;
    context.audit.done = `${done}${withParameters}`;
    const structured = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      inputId: waiting.id,
      action: input.action,
      parameters: shown,
    };
    const text =
      input.action === "proceed"
        ? `Approved "${waiting.message}" in ${name}${withParameters}: the build goes on (getBuild shows its result).`
        : `Aborted "${waiting.message}" in ${name}: the build ends ABORTED.`;
    return { text, structured };
  },
});

/** Jenkins capitalizes the ids it is given: "approve" names input "Approve". */
function findInput(inputs: PendingInput[], id: string, build: string): PendingInput {
  const found =
    inputs.find((candidate) => candidate.id === id) ??
    inputs.find((candidate) => candidate.id.toLowerCase() === id.toLowerCase());
  if (found) return found;
  if (inputs.length === 0) throw new ToolError(`${build} is not waiting for any input; nothing was sent.`);
  throw new ToolError(
    `${build} has no waiting input "${id}"; the waiting ones are: ${inputs.map((candidate) => `"${candidate.id}"`).join(", ")}.`,
  );
}

/** The values as the input step's form sends them: booleans as booleans, the rest as text. */
function formValues(definitions: ParameterDefinition[], sent: URLSearchParams) {
  const booleans = new Set(definitions.filter((d) => d.type === "boolean").map((d) => d.name));
  return [...sent].map(([name, value]) => ({ name, value: booleans.has(name) ? value === "true" : value }));
}

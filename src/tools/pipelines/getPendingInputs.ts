import { z } from "zod";
import { describeBuild } from "../../jenkins/paths.js";
import type { PendingInput } from "../../jenkins/pipelines.js";
import { defineTool } from "../registry.js";
import { jobFullName, parameterSchema, requiredBuildNumber } from "../schemas.js";
import { readInputs } from "./inputs.js";

const inputSchema = z.object({
  inputId: z.string(),
  message: z.string(),
  proceedText: z.string(),
  parameters: z.array(parameterSchema),
});

export const getPendingInputs = defineTool({
  name: "getPendingInputs",
  toolset: "pipelines",
  core: false,
  title: "Get pending inputs",
  description:
    'The `input` steps a running pipeline waits on for a person: message, inputId and the parameters answerInput takes. E.g. {"jobFullName": "ops/deploy", "buildNumber": 7}',
  inputSchema: z.object({ jobFullName, buildNumber: requiredBuildNumber }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    building: z.boolean(),
    inputs: z.array(inputSchema),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const jobPath = await context.job("read", input.jobFullName);
    const { build, inputs } = await readInputs(jobPath, input.buildNumber, context);
    const name = describeBuild([build.jobFullName], build.number);
    context.audit.done = `read the inputs waiting in ${name}`;
    const structured = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      building: build.building,
      inputs: inputs.map(publicInput),
    };
    return { text: renderInputs(name, build.building, structured.inputs), structured };
  },
});

function publicInput(input: PendingInput): z.input<typeof inputSchema> {
  return {
    inputId: input.id,
    message: input.message,
    proceedText: input.proceedText,
    parameters: input.parameters.map(({ jenkinsType: _, ...parameter }) => parameter),
  };
}

function renderInputs(name: string, building: boolean, inputs: Array<z.input<typeof inputSchema>>): string {
  if (inputs.length === 0) {
    return building ? `${name} is not waiting for any input.` : `${name} has finished: it waits for nothing.`;
  }
  const lines = [`${name} waits for:`];
  for (const input of inputs) {
    lines.push(`- "${input.message}" (inputId ${input.inputId}; proceed is "${input.proceedText}")`);
    for (const parameter of input.parameters) {
      const choices = parameter.choices ? ` one of ${parameter.choices.join("|")}` : "";
      lines.push(
        `  - ${parameter.name} (${parameter.type}${choices}, default ${JSON.stringify(parameter.default)})`,
      );
    }
  }
  lines.push("answerInput proceeds or aborts.");
  return lines.join("\n");
}

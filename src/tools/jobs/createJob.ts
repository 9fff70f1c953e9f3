import { z } from "zod";
import { formatJobPath, type JobPath, parseJobPath } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { jobTypeSchema } from "./entries.js";

const UNSAFE_NAME_CHARACTERS = /[?*/\\%!@#$^&|<>[\]:;]/;

export const createJob = defineTool({
  name: "createJob",
  toolset: "jobs",
  core: true,
  title: "Create job",
  description:
    "Create a job from exactly one source: pipelineScript (a sandboxed pipeline job), configXml, or copyFrom an existing job. The parent folder must exist; an existing name is refused.",
  inputSchema: z.object({
    jobFullName: z
      .string()
      .min(1)
      .describe('Full name of the new job, e.g. "team/nightly" (folder team must exist)'),
    pipelineScript: z
      .string()
      .max(1_000_000)
      .optional()
      .describe(
        "Pipeline script, e.g. \"pipeline { agent any; stages { stage('b') { steps { sh 'make' } } } }\"",
      ),
    configXml: z.string().max(5_000_000).optional().describe('Complete config.xml, e.g. "<project/>"'),
    copyFrom: z.string().optional().describe('Job to copy, e.g. "team/api"'),
    description: z.string().max(10_000).optional().describe("Job description (with pipelineScript)"),
  }),
  outputSchema: z.object({ fullName: z.string(), url: z.string(), type: jobTypeSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  writes: "create",
  async handler(input, { jenkins, signal, job: permitted, check, authorize, audit }) {
    const given = parseJobPath(input.jobFullName);
    const name = checkNewName(given);
    const source = await chooseSource(input);
    // The new name is decided on as given, then with its folder as Jenkins spells it.
    check("create", formatJobPath(given));
    const parent = given.length > 1 ? (await jenkins.resolveJob(given.slice(0, -1), signal)).path : undefined;
    const path = [...(parent ?? []), name];
    const fullName = formatJobPath(path);
    audit.job = fullName;
    if (source.kind === "copy") {
      const from = await permitted("read", source.from, "copyFrom");
      await authorize("create", fullName, `create job ${fullName} as a copy of ${formatJobPath(from)}`);
      await jenkins.copyJob(parent, name, from, signal);
    } else {
      await authorize("create", fullName, `create job ${fullName}`);
      await jenkins.createJob(parent, name, source.xml, signal);
    }
    const job = await jenkins.getJob(path, signal);
    audit.done = `created ${job.type} job ${job.fullName}`;
    const structured = { fullName: job.fullName, url: job.url, type: job.type };
    return { text: `Created ${job.type} job ${job.fullName}: ${job.url}`, structured };
  },
});

type Source = { kind: "xml"; xml: string } | { kind: "copy"; from: string };

async function chooseSource(input: {
  pipelineScript?: string | undefined;
  configXml?: string | undefined;
  copyFrom?: string | undefined;
  description?: string | undefined;
}): Promise<Source> {
  const given = (["pipelineScript", "configXml", "copyFrom"] as const).filter(
    (key) => input[key] !== undefined,
  );
  if (given.length !== 1) {
    throw new ToolError(
      `Give exactly one of pipelineScript, configXml or copyFrom${given.length ? ` (got ${given.join(" and ")})` : ""}.`,
    );
  }
  if (input.description !== undefined && input.pipelineScript === undefined) {
    throw new ToolError(
      "description goes with pipelineScript only: put it in the <description> element of configXml, or edit the copy afterwards.",
    );
  }
  if (input.copyFrom !== undefined) return { kind: "copy", from: input.copyFrom };
  if (input.pipelineScript !== undefined) {
    return { kind: "xml", xml: pipelineXml(input.pipelineScript, input.description ?? "") };
  }
  const xml = input.configXml ?? "";
  // The XML parser is loaded for the rare configXml call, not when the server starts.
  const { XMLValidator } = await import("fast-xml-parser");
  const validation = XMLValidator.validate(xml);
  if (validation !== true) {
    throw new ToolError(
      `configXml is not well-formed XML (line ${validation.err.line}, column ${validation.err.col}: ${validation.err.msg}); nothing was sent to Jenkins.`,
    );
  }
  return { kind: "xml", xml };
}

/** Jenkins' own name rules (Jenkins.checkGoodName), checked before anything is sent. */
function checkNewName(path: JobPath): string {
  const name = path[path.length - 1] ?? "";
  const unsafe = UNSAFE_NAME_CHARACTERS.exec(name)?.[0];
  if (unsafe)
    throw new ToolError(`"${name}" contains "${unsafe}", which Jenkins does not allow in a job name.`);
  if (name.endsWith("."))
    throw new ToolError(`"${name}" ends with ".", which Jenkins does not allow in a job name.`);
  return name;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A pipeline job whose script runs in the Groovy sandbox, so it needs no script approval. */
function pipelineXml(script: string, description: string): string {
  return [
    "<?xml version='1.1' encoding='UTF-8'?>",
    "<flow-definition>",
    `  <description>${escapeXml(description)}</description>`,
    '  <definition class="org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition">',
    `    <script>${escapeXml(script)}</script>`,
    "    <sandbox>true</sandbox>",
    "  </definition>",
    "  <disabled>false</disabled>",
    "</flow-definition>",
    "",
  ].join("\n");
}

import { z } from "zod";
import type { JenkinsClient } from "../../jenkins/client.js";
import { JenkinsError } from "../../jenkins/errors.js";
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
    "Create a job from one of: pipelineScript (a sandboxed pipeline; a declarative one must pass Jenkins' linter), configXml, or copyFrom a job. Its folder must exist; an existing name is refused.",
  inputSchema: z.object({
    jobFullName: z.string().min(1).describe('The new job, e.g. "team/nightly"'),
    pipelineScript: z
      .string()
      .max(1_000_000)
      .optional()
      .describe("e.g. \"pipeline { agent any; stages { stage('b') { steps { sh 'make' } } } }\""),
    configXml: z.string().max(5_000_000).optional().describe("A whole config.xml"),
    copyFrom: z.string().optional().describe('Job to copy, e.g. "team/api"'),
    description: z.string().max(10_000).optional().describe("With pipelineScript"),
  }),
  outputSchema: z.object({
    fullName: z.string(),
    url: z.string(),
    type: jobTypeSchema,
    /** With pipelineScript: what Jenkins' declarative linter said before the job was created. */
    scriptCheck: z.enum(["valid", "notDeclarative", "noLinter"]).optional(),
  }),
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
    let scriptCheck: ScriptCheck | undefined;
    if (source.kind === "copy") {
      const from = await permitted("read", source.from, "copyFrom");
      await authorize("create", fullName, `create job ${fullName} as a copy of ${formatJobPath(from)}`);
      await jenkins.copyJob(parent, name, from, signal);
    } else {
      if (source.script !== undefined) scriptCheck = await checkScript(jenkins, source.script, signal);
      await authorize("create", fullName, `create job ${fullName}`);
      await jenkins.createJob(parent, name, source.xml, signal);
    }
    const job = await jenkins.getJob(path, signal);
    audit.done = `created ${job.type} job ${job.fullName}`;
    const structured = {
      fullName: job.fullName,
      url: job.url,
      type: job.type,
      ...(scriptCheck ? { scriptCheck } : {}),
    };
    const note =
      scriptCheck === "noLinter" ? " (the script was not checked: Jenkins has no declarative linter)" : "";
    return { text: `Created ${job.type} job ${job.fullName}: ${job.url}${note}`, structured };
  },
});

type Source = { kind: "xml"; xml: string; script?: string } | { kind: "copy"; from: string };

type ScriptCheck = "valid" | "notDeclarative" | "noLinter";

/** Errors a refusal names at most. */
const MAX_SCRIPT_ERRORS = 10;

/**
 * Jenkins' declarative linter on the script, before anything is created: errors refuse the call.
 * Without the linter (404: Pipeline: Declarative is not installed) the job is created unchecked.
 */
async function checkScript(
  jenkins: JenkinsClient,
  script: string,
  signal: AbortSignal,
): Promise<ScriptCheck> {
  const lint = await jenkins.lintPipeline(script, signal).catch((error: unknown) => {
    if (error instanceof JenkinsError && error.kind === "notFound") return null;
    throw error;
  });
  if (lint === null) return "noLinter";
  if (lint.result !== "invalid") return lint.result;
  // Joined into one sentence: a message's own closing period would double the one that ends it.
  const listed = lint.errors
    .slice(0, MAX_SCRIPT_ERRORS)
    .map((error) =>
      error.line === null ? error.message : `line ${error.line}, column ${error.column}: ${error.message}`,
    )
    .map((entry) => entry.replace(/\.$/, ""));
  const more =
    lint.errors.length > MAX_SCRIPT_ERRORS ? `; and ${lint.errors.length - MAX_SCRIPT_ERRORS} more` : "";
  throw new ToolError(
    `Jenkins' declarative linter refused pipelineScript, so no job was created: ${listed.join("; ")}${more}.`,
  );
}

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
    return {
      kind: "xml",
      xml: pipelineXml(input.pipelineScript, input.description ?? ""),
      script: input.pipelineScript,
    };
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

import { z } from "zod";
import type { Job, JobEntry, JobSummary } from "../jenkins/jobs.js";
import { formatJobPath, type JobPath, parseJobPath } from "../jenkins/paths.js";
import { defineTool, ToolError } from "./registry.js";
import { jobFullName, parameterSchema, wholeNumber } from "./schemas.js";

const jobTypeSchema = z.enum(["freestyle", "pipeline", "folder", "multibranch", "other"]);

/** Output field meanings live in the tool descriptions and the README: every byte here is in each tools/list. */
const jobEntrySchema = z.object({
  name: z.string(),
  fullName: z.string(),
  type: jobTypeSchema,
  status: z.string().nullable(),
});

const jobSummarySchema = jobEntrySchema.extend({ url: z.string() });

const jobSchema = jobSummarySchema.extend({
  description: z.string().nullable(),
  buildable: z.boolean(),
  building: z.boolean(),
  inQueue: z.boolean(),
  lastBuild: z
    .object({ number: z.number(), result: z.string().nullable(), building: z.boolean() })
    .nullable(),
  lastSuccessfulBuildNumber: z.number().nullable(),
  lastFailedBuildNumber: z.number().nullable(),
  health: z.object({ score: z.number(), description: z.string() }).nullable(),
  parameters: z.array(parameterSchema),
  jobCount: z.number().nullable().optional(),
  children: z.array(jobSummarySchema).optional(),
});

export const getJob = defineTool({
  name: "getJob",
  toolset: "jobs",
  core: true,
  guide: "shows a job and the parameters it takes",
  title: "Get job",
  description:
    "Read one job: type, status (Jenkins colour: blue ok, red failed, yellow unstable), last builds, health, and the parameters triggerBuild takes. Folders also give jobCount (null over 100) and the first 20 children.",
  inputSchema: z.object({ jobFullName }),
  outputSchema: jobSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ jobFullName }, { readJob, mayList }) {
    const job = publicJob(await readJob(jobFullName));
    if (job.children) job.children = job.children.filter(mayList);
    return { text: renderJob(job), structured: job };
  },
});

const MAX_PAGE = 500;

export const getJobs = defineTool({
  name: "getJobs",
  toolset: "jobs",
  core: true,
  guide: "lists a folder",
  title: "List jobs",
  description:
    "List the jobs at the top level or in one folder, one page at a time. nextSkip is the skip of the next page (null on the last); total is null unless this page reaches the end.",
  inputSchema: z.object({
    parentFullName: z
      .string()
      .optional()
      .describe('Folder to list, e.g. "team/backend"; omit for the top level'),
    skip: wholeNumber("Items to skip (default 0)", { min: 0, max: 1_000_000 }).default(0),
    limit: wholeNumber("Page size (default 50)", { min: 1, max: MAX_PAGE }).default(50),
  }),
  outputSchema: z.object({
    parentFullName: z.string().nullable(),
    jobs: z.array(jobEntrySchema),
    skip: z.number(),
    limit: z.number(),
    nextSkip: z.number().nullable(),
    total: z.number().nullable(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ parentFullName, skip, limit }, { jenkins, signal, mayList, folder, audit }) {
    const parent = parentFullName?.trim() ? await folder(parentFullName, "parentFullName") : undefined;
    const page = await jenkins.listJobs(parent, skip, limit, signal);
    audit.done = `listed ${parent ? formatJobPath(parent) : "the top level"}`;
    const structured = {
      parentFullName: parent ? formatJobPath(parent) : null,
      jobs: page.jobs.filter(mayList),
      skip,
      limit,
      nextSkip: page.hasMore ? skip + page.jobs.length : null,
      // The total is known only when this page reaches the end of the list.
      total: page.hasMore || (page.jobs.length === 0 && skip > 0) ? null : skip + page.jobs.length,
    };
    return { text: renderJobPage(structured), structured };
  },
});

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

export const jobTools = [getJob, getJobs, createJob];

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
export function pipelineXml(script: string, description: string): string {
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

export function publicJob(job: Job): z.input<typeof jobSchema> {
  const { parameters, ...rest } = job;
  return { ...rest, parameters: parameters.map(({ jenkinsType: _, ...parameter }) => parameter) };
}

function renderJob(job: z.input<typeof jobSchema>): string {
  const lines = [
    `${job.fullName} (${job.type}${job.status ? `, ${job.status}` : ""}${job.buildable ? "" : ", not buildable"})`,
  ];
  if (job.description) lines.push(`Description: ${job.description.slice(0, 300)}`);
  if (job.lastBuild) {
    lines.push(
      `Last build: #${job.lastBuild.number} ${job.lastBuild.building ? "running" : (job.lastBuild.result ?? "unknown")}` +
        `; last success #${job.lastSuccessfulBuildNumber ?? "none"}, last failure #${job.lastFailedBuildNumber ?? "none"}`,
    );
  } else if (job.type !== "folder" && job.type !== "multibranch") {
    lines.push("No builds yet.");
  }
  if (job.inQueue) lines.push("A build is waiting in the queue.");
  if (job.health) lines.push(`Health: ${job.health.score}% (${job.health.description})`);
  if (job.parameters.length > 0) {
    lines.push("Parameters:");
    for (const parameter of job.parameters) {
      const choices = parameter.choices ? ` one of ${parameter.choices.join("|")}` : "";
      lines.push(
        `- ${parameter.name} (${parameter.type}${choices}, default ${JSON.stringify(parameter.default)})`,
      );
    }
  }
  if (job.children) {
    const count = job.jobCount ?? "more than 100";
    lines.push(`${count} items inside${job.children.length ? ":" : "."}`);
    for (const child of job.children) lines.push(`- ${describeSummary(child)}`);
  }
  lines.push(job.url);
  return lines.join("\n");
}

function describeSummary(job: JobSummary): string {
  return `${job.fullName} (${describeKind(job)})`;
}

function describeKind(job: JobEntry): string {
  return `${job.type}${job.status ? `, ${job.status}` : ""}`;
}

/** One line per kind of job (type and status), naming its jobs relative to the folder listed. */
function renderJobPage(page: {
  parentFullName: string | null;
  jobs: JobEntry[];
  skip: number;
  nextSkip: number | null;
  total: number | null;
}): string {
  const where = page.parentFullName ? `in ${page.parentFullName}` : "at the top level";
  if (page.jobs.length === 0)
    return `No jobs ${where}${page.skip > 0 ? ` after the first ${page.skip}` : ""}.`;
  const range = `${page.skip + 1}-${page.skip + page.jobs.length}${page.total !== null ? ` of ${page.total}` : ""}`;
  const byKind = new Map<string, string[]>();
  for (const job of page.jobs) {
    const kind = describeKind(job);
    const names = byKind.get(kind);
    if (names) names.push(job.name);
    else byKind.set(kind, [job.name]);
  }
  const lines = [
    `Jobs ${where} (${range}):`,
    ...[...byKind].map(([kind, names]) => `- ${kind}: ${names.join(", ")}`),
  ];
  if (page.nextSkip !== null) lines.push(`More jobs follow: call again with skip=${page.nextSkip}.`);
  return lines.join("\n");
}

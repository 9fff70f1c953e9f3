import { z } from "zod";
import type { Job, JobSummary } from "../../jenkins/jobs.js";
import { defineTool } from "../registry.js";
import { jobFullName, parameterSchema } from "../schemas.js";
import { describeKind, jobEntrySchema } from "./entries.js";

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
    "Read one job: type, status (Jenkins colour: blue ok, red failed, yellow unstable), last builds, health, and the parameters triggerBuild takes. A folder gives jobCount and its first 20 children.",
  inputSchema: z.object({ jobFullName }),
  outputSchema: jobSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ jobFullName }, { readJob, mayList }) {
    const job = publicJob(await readJob(jobFullName));
    if (job.children) job.children = job.children.filter(mayList);
    return { text: renderJob(job), structured: job };
  },
});

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

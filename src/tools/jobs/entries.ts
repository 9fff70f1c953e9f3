import { z } from "zod";
import type { JobEntry } from "../../jenkins/jobs.js";

export const jobTypeSchema = z.enum(["freestyle", "pipeline", "folder", "multibranch", "other"]);

/** Output field meanings live in the tool descriptions and the README: every byte here is in each tools/list. */
export const jobEntrySchema = z.object({
  name: z.string(),
  fullName: z.string(),
  type: jobTypeSchema,
  status: z.string().nullable(),
});

export function describeKind(job: JobEntry): string {
  return `${job.type}${job.status ? `, ${job.status}` : ""}`;
}

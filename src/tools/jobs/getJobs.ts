import { z } from "zod";
import type { JobEntry } from "../../jenkins/jobs.js";
import { formatJobPath } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { describeKind, jobEntrySchema } from "./entries.js";

const MAX_PAGE = 500;

export const getJobs = defineTool({
  name: "getJobs",
  toolset: "jobs",
  core: true,
  guide: "lists a folder",
  title: "List jobs",
  description:
    "List the jobs at the top level or in a folder, a page at a time: nextSkip is the next page's skip (null at the end); total is null until the last page.",
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

import { z } from "zod";
import { formatJobPath } from "../../jenkins/paths.js";
import type { TreeItem } from "../../jenkins/tree.js";
import { defineTool, ToolError } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { jobTypeSchema } from "./entries.js";
import { queryWords, rankJobs } from "./ranking.js";

const MAX_UNEXPLORED = 10;

export const searchJobs = defineTool({
  name: "searchJobs",
  toolset: "jobs",
  core: true,
  guide: "finds a job by words of its name",
  title: "Search jobs",
  description:
    'Find jobs, folders and branches by words of their names, best first, 4 folder levels deep. E.g. {"query": "deploy api"} finds team/backend/deploy-api.',
  inputSchema: z.object({
    query: z.string().min(1).max(200).describe('Words of the name, e.g. "deploy api"'),
    parentFullName: z.string().optional().describe('Search only below this folder, e.g. "team"'),
    limit: wholeNumber("Results (default 20)", { min: 1, max: 100 }).default(20),
  }),
  outputSchema: z.object({
    query: z.string(),
    parentFullName: z.string().nullable(),
    jobs: z.array(
      z.object({
        name: z.string(),
        fullName: z.string(),
        displayName: z.string(),
        type: jobTypeSchema,
        status: z.string().nullable(),
      }),
    ),
    total: z.number(),
    unexplored: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler({ query, parentFullName, limit }, { jenkins, mayList, folder, audit }) {
    if (queryWords(query).length === 0) {
      throw new ToolError('query has no words: give part of a job name, e.g. "deploy api".');
    }
    const parent = parentFullName?.trim() ? await folder(parentFullName, "parentFullName") : undefined;
    const parentName = parent ? formatJobPath(parent) : null;
    const tree = await jenkins.jobTree(parent);
    const matches = rankJobs(tree.items.filter(mayList), query);
    const unexplored = tree.unexplored
      .filter((fullName) => mayList({ fullName, type: "folder" }))
      .slice(0, MAX_UNEXPLORED);
    audit.done = `searched ${parentName ?? "all jobs"} for "${query}" (${matches.length} found)`;
    const structured = {
      query,
      parentFullName: parentName,
      jobs: matches.slice(0, limit),
      total: matches.length,
      unexplored,
    };
    return { text: renderSearch(structured), structured };
  },
});

function renderSearch(result: {
  query: string;
  parentFullName: string | null;
  jobs: TreeItem[];
  total: number;
  unexplored: string[];
}): string {
  if (result.total === 0) {
    const deeper = result.unexplored.length
      ? ` Deeper folders were not searched: give one as parentFullName (e.g. "${result.unexplored[0]}").`
      : "";
    return `No job below ${result.parentFullName ?? "the top level"} has every word of "${result.query}" in its name; try fewer or shorter words, or browse with getJobs.${deeper}`;
  }
  const shown = result.jobs.length;
  const lines = [
    `${result.total} match${result.total === 1 ? "" : "es"} for "${result.query}"${shown < result.total ? `, best ${shown}` : ""}:`,
    ...result.jobs.map((job) => {
      const display = job.displayName !== job.name ? ` "${job.displayName}"` : "";
      return `- ${job.fullName}${display} (${job.type}${job.status ? `, ${job.status}` : ""})`;
    }),
  ];
  if (result.unexplored.length > 0) {
    lines.push(`Not searched (deeper than 4 levels): inside ${result.unexplored.join(", ")}.`);
  }
  return lines.join("\n");
}

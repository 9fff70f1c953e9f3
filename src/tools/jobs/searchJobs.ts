import { z } from "zod";
import { formatJobPath } from "../../jenkins/paths.js";
import type { TreeItem } from "../../jenkins/tree.js";
import { unavailableSchema, unavailableText } from "../fan-out.js";
import { defineTool, type ToolContext, ToolError } from "../registry.js";
import { qualifiedName } from "../resource-uris.js";
import { wholeNumber } from "../schemas.js";
import { jobTypeSchema } from "./entries.js";
import { queryWords, rankJobs } from "./ranking.js";

const MAX_UNEXPLORED = 10;

const foundSchema = z.object({
  name: z.string(),
  fullName: z.string(),
  displayName: z.string(),
  type: jobTypeSchema,
  status: z.string().nullable(),
});

const outputSchema = z.object({
  query: z.string(),
  parentFullName: z.string().nullable(),
  jobs: z.array(foundSchema),
  total: z.number(),
  unexplored: z.array(z.string()),
});

/** A job found on one of several controllers; its name for a next call is `controller:fullName`. */
type Found = TreeItem & { controller?: string };

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
  outputSchema,
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const found = await searchOne(input, context);
    context.audit.done = `searched ${found.parentFullName ?? "all jobs"} for "${input.query}" (${found.matches.length} found)`;
    const structured = {
      query: input.query,
      parentFullName: found.parentFullName,
      jobs: found.matches.slice(0, input.limit),
      total: found.matches.length,
      unexplored: found.unexplored,
    };
    return { text: renderSearch(structured), structured };
  },
  acrossControllers: {
    outputSchema: outputSchema.extend({
      jobs: z.array(foundSchema.extend({ controller: z.string() })),
      unavailable: unavailableSchema,
    }),
    async handler(input, { gather, audit, controllers }) {
      const { answers, unavailable } = await gather((context) => searchOne(input, context));
      // One ranking over every controller's matches: the best match first wherever it is.
      const items = answers.flatMap(({ controller, value }) =>
        value.matches.map((item) => ({ ...item, controller })),
      );
      const matches = rankJobs(items, input.query);
      const parentFullName = answers[0]?.value.parentFullName ?? null;
      audit.done = `searched ${parentFullName ?? "all jobs"} on ${controllers.join(", ")} for "${input.query}" (${matches.length} found)`;
      const structured = {
        query: input.query,
        parentFullName,
        jobs: matches.slice(0, input.limit),
        total: matches.length,
        unexplored: answers.flatMap(({ value }) => value.unexplored).slice(0, MAX_UNEXPLORED),
        unavailable,
      };
      return { text: renderSearch(structured) + unavailableText(unavailable), structured };
    },
  },
});

/** The matches on one controller, and the folders too deep to search (as a next call names them). */
async function searchOne(
  { query, parentFullName }: { query: string; parentFullName?: string | undefined },
  { jenkins, mayList, folder }: ToolContext,
) {
  if (queryWords(query).length === 0) {
    throw new ToolError('query has no words: give part of a job name, e.g. "deploy api".');
  }
  const parent = parentFullName?.trim() ? await folder(parentFullName, "parentFullName") : undefined;
  const tree = await jenkins.jobTree(parent);
  return {
    parentFullName: parent ? formatJobPath(parent) : null,
    matches: rankJobs(tree.items.filter(mayList), query),
    unexplored: tree.unexplored
      .filter((fullName) => mayList({ fullName, type: "folder" }))
      .slice(0, MAX_UNEXPLORED)
      .map(qualifiedName),
  };
}

function renderSearch(result: {
  query: string;
  parentFullName: string | null;
  jobs: Found[];
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
      const name = job.controller ? `${job.controller}:${job.fullName}` : job.fullName;
      return `- ${name}${display} (${job.type}${job.status ? `, ${job.status}` : ""})`;
    }),
  ];
  if (result.unexplored.length > 0) {
    lines.push(`Not searched (deeper than 4 levels): inside ${result.unexplored.join(", ")}.`);
  }
  return lines.join("\n");
}

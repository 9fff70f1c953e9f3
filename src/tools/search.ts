import { z } from "zod";
import { formatJobPath } from "../jenkins/paths.js";
import type { TreeItem } from "../jenkins/tree.js";
import { defineTool, ToolError } from "./registry.js";
import { wholeNumber } from "./schemas.js";

/** The words of a query: lowercased, split at spaces and at the separators job names use. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[\s/_.,:-]+/)
    .filter(Boolean);
}

/**
 * How well an item matches, best first: 0 its name (or full name) is the query, 1 every word is in
 * its name, 2 in its full name, 3 in its display name, 4 spread over the three; undefined when a
 * word is in none of them.
 */
export function matchTier(item: TreeItem, query: string, words: readonly string[]): number | undefined {
  const exact = query.trim().toLowerCase();
  const name = item.name.toLowerCase();
  const fullName = item.fullName.toLowerCase();
  if (name === exact || fullName === exact) return 0;
  const displayName = item.displayName.toLowerCase();
  const fields = [name, fullName, displayName];
  const tier = fields.findIndex((field) => words.every((word) => field.includes(word)));
  if (tier >= 0) return tier + 1;
  return words.every((word) => fields.some((field) => field.includes(word))) ? 4 : undefined;
}

/** The items every word matches, best first; shorter names before longer ones of the same tier. */
export function rankJobs(items: readonly TreeItem[], query: string): TreeItem[] {
  const words = queryWords(query);
  const ranked: Array<{ item: TreeItem; tier: number }> = [];
  for (const item of items) {
    const tier = matchTier(item, query, words);
    if (tier !== undefined) ranked.push({ item, tier });
  }
  return ranked
    .sort(
      (a, b) =>
        a.tier - b.tier ||
        a.item.name.length - b.item.name.length ||
        a.item.fullName.length - b.item.fullName.length ||
        (a.item.fullName < b.item.fullName ? -1 : a.item.fullName > b.item.fullName ? 1 : 0),
    )
    .map(({ item }) => item);
}

const MAX_UNEXPLORED = 10;

export const searchJobs = defineTool({
  name: "searchJobs",
  toolset: "jobs",
  core: true,
  guide: "finds a job by words of its name",
  title: "Search jobs",
  description:
    'Find jobs, folders and branches by words of their name, full name or display name, best first, searching 4 folder levels deep. E.g. {"query": "deploy api"} finds team/backend/deploy-api.',
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
        type: z.enum(["freestyle", "pipeline", "folder", "multibranch", "other"]),
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

export const searchTools = [searchJobs];

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

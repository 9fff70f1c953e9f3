import { z } from "zod";
import type { JobType } from "../../jenkins/items.js";
import { formatJobPath } from "../../jenkins/paths.js";
import type { SourceItem } from "../../jenkins/scm.js";
import { defineTool, type ToolContext, ToolError } from "../registry.js";
import { wholeNumber } from "../schemas.js";
import { jobTypeSchema } from "./entries.js";
import { repositoryKey } from "./repository-urls.js";

const MAX_UNEXPLORED = 10;

const matchSchema = z.object({
  fullName: z.string(),
  type: jobTypeSchema,
  /** configuration: its SCM names the repository; lastBuild: its last build checked it out; branches: branch jobs of a multibranch project build it. */
  via: z.enum(["configuration", "lastBuild", "branches"]),
  branches: z.array(z.string()).optional(),
});

type Match = z.infer<typeof matchSchema>;

export const findJobsBySource = defineTool({
  name: "findJobsBySource",
  toolset: "jobs",
  core: false,
  title: "Find jobs by repository",
  description:
    'Which jobs build a git repository, whatever way its URL is written (https, ssh, .git or not), 4 folder levels deep; multibranch projects with their branches. E.g. {"repositoryUrl": "github.com/acme/api"}',
  inputSchema: z.object({
    repositoryUrl: z
      .string()
      .min(1)
      .max(500)
      .describe('e.g. "https://github.com/acme/api.git", "git@github.com:acme/api" or "github.com/acme/api"'),
    parentFullName: z.string().optional().describe('Search only below this folder, e.g. "team"'),
    limit: wholeNumber("Results (default 50)", { min: 1, max: 100 }).default(50),
  }),
  outputSchema: z.object({
    repository: z.string(),
    jobs: z.array(matchSchema),
    total: z.number(),
    unexplored: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, context) {
    const wanted = repositoryKey(input.repositoryUrl);
    if (!wanted) {
      throw new ToolError(
        `"${input.repositoryUrl}" is not a repository address: give it as https://host/org/repo, git@host:org/repo or host/org/repo.`,
      );
    }
    const parentName = input.parentFullName?.trim();
    const parent = parentName ? await context.folder(parentName, "parentFullName") : undefined;
    const tree = await context.jenkins.sourceTree(parent);
    // The policy filters before anything is counted or cut, so totals reveal nothing hidden.
    const visible = tree.items.filter((item) => context.mayList(item));
    const matches = matchesOf(visible, wanted);
    const unexplored = tree.unexplored
      .filter((fullName) => context.mayList({ fullName, type: "folder" }))
      .slice(0, MAX_UNEXPLORED);
    const jobs = matches.slice(0, input.limit);
    context.audit.done = `found ${matches.length} jobs building ${wanted}${parent ? ` below ${formatJobPath(parent)}` : ""}`;
    return {
      text: renderMatches(wanted, jobs, matches.length, unexplored, context),
      structured: { repository: wanted, jobs, total: matches.length, unexplored },
    };
  },
});

/** Jobs whose configuration or last build names the repository; branch jobs gathered under their project. */
function matchesOf(items: SourceItem[], wanted: string): Match[] {
  const types = new Map<string, JobType>(items.map((item) => [item.fullName, item.type]));
  const names = (urls: string[]) => urls.some((url) => repositoryKey(url) === wanted);
  const matches: Match[] = [];
  const projects = new Map<string, Match>();
  for (const item of items) {
    const via = names(item.configured) ? "configuration" : names(item.checkedOut) ? "lastBuild" : null;
    if (!via) continue;
    const slash = item.fullName.lastIndexOf("/");
    const parent = slash > 0 ? item.fullName.slice(0, slash) : null;
    if (parent && types.get(parent) === "multibranch") {
      let project = projects.get(parent);
      if (!project) {
        project = { fullName: parent, type: "multibranch", via: "branches", branches: [] };
        projects.set(parent, project);
        matches.push(project);
      }
      project.branches?.push(item.fullName.slice(slash + 1));
    } else {
      matches.push({ fullName: item.fullName, type: item.type, via });
    }
  }
  return matches;
}

function renderMatches(
  wanted: string,
  jobs: Match[],
  total: number,
  unexplored: string[],
  context: Pick<ToolContext, "offers">,
): string {
  const lines =
    jobs.length === 0
      ? [`No job builds ${wanted} (as far as 4 folder levels down).`]
      : [
          `${total} ${total === 1 ? "job builds" : "jobs build"} ${wanted}${jobs.length < total ? ` (the first ${jobs.length})` : ""}:`,
          ...jobs.map((job) => {
            if (job.via === "branches")
              return `- ${job.fullName} (multibranch; branches ${job.branches?.join(", ")})`;
            return `- ${job.fullName} (${job.type}${job.via === "lastBuild" ? ", by what its last build checked out" : ""})`;
          }),
        ];
  if (unexplored.length > 0) {
    const search = context.offers("findJobsBySource") ? " (search there with parentFullName)" : "";
    lines.push(`Not searched, deeper than 4 levels: ${unexplored.join(", ")}${search}.`);
  }
  return lines.join("\n");
}

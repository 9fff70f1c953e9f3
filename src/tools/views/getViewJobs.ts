import { z } from "zod";
import { jobTypeSchema } from "../jobs/entries.js";
import { defineTool } from "../registry.js";
import { wholeNumber } from "../schemas.js";

export const getViewJobs = defineTool({
  name: "getViewJobs",
  toolset: "views",
  core: false,
  title: "List a view's jobs",
  description:
    'The jobs a view shows (status as Jenkins\' colour), those the policy lets the client read; a nested view names its views. E.g. {"view": "Ops/Deploys"}',
  inputSchema: z.object({
    view: z
      .string()
      .min(1)
      .max(500)
      .describe('A view\'s name as getViews gives it, e.g. "Backend" or "Ops/Deploys"'),
    limit: wholeNumber("Jobs (default 100)", { min: 1, max: 500 }).default(100),
  }),
  outputSchema: z.object({
    view: z.string(),
    url: z.string(),
    jobs: z.array(
      z.object({
        name: z.string(),
        fullName: z.string(),
        type: jobTypeSchema,
        status: z.string().nullable(),
      }),
    ),
    total: z.number(),
    hasMore: z.boolean(),
    views: z.array(z.string()),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, mayList, audit }) {
    const view = await jenkins.viewJobs(input.view, signal);
    // The policy filters before the cap, so the total and hasMore reveal nothing hidden.
    const visible = view.jobs.filter((job) => mayList(job));
    const jobs = visible.slice(0, input.limit);
    const hasMore = visible.length > jobs.length || view.hasMore;
    audit.done = `listed ${jobs.length} jobs of the view ${view.path}`;
    const lines =
      view.views.length > 0 && view.jobs.length === 0
        ? [
            `${view.path} is a nested view; its views: ${view.views.map((name) => `${view.path}/${name}`).join(", ")}.`,
          ]
        : [
            `${view.path}: ${visible.length} jobs${jobs.length < visible.length ? ` (the first ${jobs.length})` : ""}:`,
            ...jobs.map((job) => `- ${job.fullName} (${job.type}${job.status ? `, ${job.status}` : ""})`),
          ];
    return {
      text: lines.join("\n"),
      structured: { view: view.path, url: view.url, jobs, total: visible.length, hasMore, views: view.views },
    };
  },
});

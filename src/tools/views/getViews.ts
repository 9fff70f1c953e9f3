import { z } from "zod";
import { defineTool } from "../registry.js";

export const getViews = defineTool({
  name: "getViews",
  toolset: "views",
  core: false,
  title: "List views",
  description:
    "The views of Jenkins' dashboard (nested ones as \"Parent/Child\", 3 levels deep), for teams that organise jobs by view; getViewJobs lists a view's jobs.",
  inputSchema: z.object({}),
  outputSchema: z.object({
    primaryView: z.string().nullable(),
    views: z.array(
      z.object({
        path: z.string(),
        url: z.string(),
        description: z.string().nullable(),
        nested: z.boolean(),
      }),
    ),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(_input, { jenkins, signal, audit }) {
    const list = await jenkins.listViews(signal);
    audit.done = `listed ${list.views.length} views`;
    const lines = [
      `${list.views.length} views${list.primaryView ? ` (the dashboard shows "${list.primaryView}")` : ""}:`,
      ...list.views.map((view) => {
        const kind = view.nested ? " (nested: holds views)" : "";
        return `- ${view.path}${kind}${view.description ? `: ${view.description}` : ""}`;
      }),
    ];
    return { text: lines.join("\n"), structured: list };
  },
});

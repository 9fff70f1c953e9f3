/** Tool groups, chosen with --toolsets (as github-mcp-server does); docs/tools.md lists them from here. */
export const TOOLSETS = [
  { id: "jobs", description: "find, read and create jobs and folders" },
  { id: "builds", description: "read, trigger and stop builds; why a build failed; test results" },
  { id: "logs", description: "read and search build logs" },
  { id: "queue", description: "what waits in the queue and why; cancel a queued build" },
  {
    id: "pipelines",
    description:
      "the input steps a running pipeline waits on, and their answers; the declarative linter; replay with a changed script",
  },
  {
    id: "system",
    description: "who the server acts as, whether Jenkins is ready to build, its nodes and what runs on them",
  },
  { id: "artifacts", description: "the files a build archived, and text ones read by lines" },
  { id: "views", description: "the views a team organises its jobs by, and the jobs in one" },
] as const;

export type Toolset = (typeof TOOLSETS)[number]["id"];

/**
 * Words --toolsets takes beside the toolsets: `default`, the tools offered when no toolset is chosen
 * (so `default,logs` adds the log tools to them), and `all`.
 */
export const TOOLSET_WORDS = ["default", "all"] as const;

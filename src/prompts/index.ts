import type { GetPromptResult, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { getFailureSummary } from "../tools/builds/getFailureSummary.js";
import { triggerBuild } from "../tools/builds/triggerBuild.js";
import { getJob } from "../tools/jobs/getJob.js";
import { searchJobs } from "../tools/jobs/searchJobs.js";
import { getBuildLog } from "../tools/logs/getBuildLog.js";
import { searchBuildLog } from "../tools/logs/searchBuildLog.js";
import type { ToolDefinition } from "../tools/registry.js";

/**
 * A prompt is offered only with every tool its steps call, so that it never sends a model to a
 * missing tool. Steps name tools through their definitions, so a renamed tool renames them too.
 */
interface PromptDefinition<Args extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  needs: readonly ToolDefinition[];
  argsSchema: Args;
  steps(args: z.output<Args>, offered: ReadonlySet<string>): string;
}

/** Keeps each definition's `steps` tied to its argument schema. */
function definePrompt<Args extends z.ZodObject>(definition: PromptDefinition<Args>): PromptDefinition {
  return definition as unknown as PromptDefinition;
}

const diagnoseBuild = definePrompt({
  name: "diagnose-build",
  title: "Diagnose a failed build",
  description: "Find out why a build failed: the failure summary first, then the log around the error",
  needs: [getFailureSummary, getBuildLog],
  argsSchema: z.object({
    jobFullName: z.string().min(1).describe('Job full name, e.g. "team/backend/api"'),
    buildNumber: z.string().optional().describe("Build number; the last build when empty"),
  }),
  steps({ jobFullName, buildNumber }, offered) {
    const build = buildNumber?.trim() ? `build #${buildNumber.trim()}` : "the last build";
    const args = JSON.stringify({
      jobFullName,
      ...(buildNumber?.trim() ? { buildNumber: buildNumber.trim() } : {}),
    });
    const search = offered.has(searchBuildLog.name)
      ? `, or ${searchBuildLog.name} for a distinctive word of the error when it lies further back`
      : "";
    return [
      `Find out why ${build} of the Jenkins job "${jobFullName}" failed.`,
      `1. Call ${getFailureSummary.name} with ${args}. It gives the result, the failed stage, the failing tests and the first error lines near the end of the log, each marked -N: N lines from the end.`,
      `2. If the cause is not plain from that, read the log around the first error with ${getBuildLog.name} (limit -N, a little more than the error's N)${search}.`,
      "3. Answer in a few sentences: what failed, the evidence (quote the decisive log lines or test errors), the likely cause, and the fix or next step. Say so when the evidence does not settle it.",
    ].join("\n");
  },
});

const triggerBuildPrompt = definePrompt({
  name: "trigger-build",
  title: "Trigger a build",
  description:
    "Find the job you mean, show its parameters, confirm them with you, trigger it and wait for the result",
  needs: [searchJobs, getJob, triggerBuild],
  argsSchema: z.object({
    job: z.string().min(1).describe('The job, in words or as its full name, e.g. "deploy api"'),
    parameters: z.string().optional().describe('Values to use, in words, e.g. "branch main to staging"'),
  }),
  steps({ job, parameters }, offered) {
    const values = parameters?.trim() ? ` The user asked for: ${parameters.trim()}.` : "";
    const diagnose = offered.has(getFailureSummary.name)
      ? ` If it failed, call ${getFailureSummary.name} and say why.`
      : "";
    return [
      `Trigger a build of the Jenkins job the user means by "${job}".${values}`,
      `1. Call ${searchJobs.name} with ${JSON.stringify({ query: job })}. If several jobs could be meant, list them and ask which one.`,
      `2. Call ${getJob.name} on it and show its parameters with their defaults and allowed choices.`,
      "3. Propose the value of each parameter and ask the user to confirm before anything is triggered.",
      `4. Once confirmed, call ${triggerBuild.name} with the job's full name, those parameters and waitFor "finished".`,
      `5. Report the build number, its result and its link.${diagnose}`,
    ].join("\n");
  },
});

const PROMPTS = [diagnoseBuild, triggerBuildPrompt];

/** Registers the prompts whose tools are offered; answers the names of those registered. */
export function registerPrompts(server: McpServer, offeredTools: readonly string[]): string[] {
  const offered = new Set(offeredTools);
  const registered: string[] = [];
  for (const prompt of PROMPTS) {
    if (!prompt.needs.every((tool) => offered.has(tool.name))) continue;
    register(server, prompt, offered);
    registered.push(prompt.name);
  }
  return registered;
}

function register(server: McpServer, prompt: PromptDefinition, offered: ReadonlySet<string>): void {
  server.registerPrompt(
    prompt.name,
    { title: prompt.title, description: prompt.description, argsSchema: prompt.argsSchema },
    (args): GetPromptResult => ({
      description: prompt.description,
      messages: [{ role: "user", content: { type: "text", text: prompt.steps(args, offered) } }],
    }),
  );
}

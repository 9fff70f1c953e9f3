import type { GetPromptResult, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";
import { getBuildChanges } from "../tools/builds/getBuildChanges.js";
import { getFailureSummary } from "../tools/builds/getFailureSummary.js";
import { triggerBuild } from "../tools/builds/triggerBuild.js";
import { getJob } from "../tools/jobs/getJob.js";
import { searchJobs } from "../tools/jobs/searchJobs.js";
import { getBuildLog } from "../tools/logs/getBuildLog.js";
import { getStageLog } from "../tools/logs/getStageLog.js";
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
  description:
    "Find out why a build failed: the failure summary first, then the failed stage's log around the error, then what changed",
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
    const stageLog = offered.has(getStageLog.name)
      ? `${getStageLog.name} for the failed stage's own log around the error, or `
      : "";
    const search = offered.has(searchBuildLog.name)
      ? `, or ${searchBuildLog.name} for a distinctive word of the error`
      : "";
    const changes = offered.has(getBuildChanges.name)
      ? ` If the failure is new, ${getBuildChanges.name} lists each commit since the last success with its author.`
      : "";
    return [
      `Find out why ${build} of the Jenkins job "${jobFullName}" failed.`,
      `1. Call ${getFailureSummary.name} with ${args}. It gives the result, the failed stage, branch and step, the error lines that step printed (found anywhere in the log), failing tests with how long they have failed, the build the failures began with, the commits since the last success, and the next call to make.`,
      `2. If the cause is not plain from that, make that next call: ${stageLog}${getBuildLog.name} at the line it names${search}.${changes}`,
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

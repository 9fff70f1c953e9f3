import { type McpServer, ProtocolError, ProtocolErrorCode } from "@modelcontextprotocol/server";
import { isContainer } from "../jenkins/items.js";
import { PERMALINKS } from "../jenkins/paths.js";
import type { TreeItem } from "../jenkins/tree.js";
import { type Caller, permittedJob } from "../tools/access.js";
import { splitJobName } from "../tools/controllers.js";
import { rankJobs } from "../tools/jobs/ranking.js";
import { callerOf, type RegistryDependencies } from "../tools/registry.js";
import { JOB_TEMPLATE, LOG_TEMPLATE } from "../tools/resource-uris.js";

/** Arguments (of prompts and resource templates) whose values are job full names. */
const JOB_ARGUMENTS = new Set(["fullName", "jobFullName", "job"]);
const MAX_VALUES = 100;
const RECENT_BUILDS = 20;

/**
 * Completes job names (and a log's build number) as the user types. One handler for prompts and
 * resource templates instead of the SDK's per-argument callbacks, because those are not told who
 * asks: suggestions must follow the caller's policy and Jenkins identity like every listing.
 */
export function registerCompletions(
  server: McpServer,
  deps: RegistryDependencies,
  prompts: readonly string[],
): void {
  server.server.registerCapabilities({ completions: {} });
  server.server.setRequestHandler("completion/complete", async (request, ctx) => {
    const { ref, argument, context } = request.params;
    const known =
      ref.type === "ref/prompt" ? prompts.includes(ref.name) : [JOB_TEMPLATE, LOG_TEMPLATE].includes(ref.uri);
    if (!known)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Nothing to complete for ${JSON.stringify(ref)}`,
      );
    // Suggestions ask nobody: a rule that asks for confirmation suggests nothing.
    const callerOn = (controller?: string) => ({
      ...callerOf(deps, ctx, controller),
      signal: ctx.mcpReq.signal,
      confirm: () => undefined,
    });
    const values = await suggestOn(
      deps,
      callerOn,
      argument.name,
      argument.value,
      context?.arguments ?? {},
    ).catch((error: unknown) => {
      // Suggestions are a convenience: Jenkins being unreachable must not fail the form.
      deps.logger.debug({ err: error }, "completion failed");
      return [];
    });
    return {
      completion: {
        values: values.slice(0, MAX_VALUES),
        total: values.length,
        hasMore: values.length > MAX_VALUES,
      },
    };
  });
}

/**
 * With several controllers, a job name starts with its controller (`prod:team/api`): until one is
 * typed, the controllers are suggested; then that controller's names, written the same way.
 */
async function suggestOn(
  deps: RegistryDependencies,
  callerOn: (controller?: string) => Caller,
  name: string,
  value: string,
  others: Record<string, string>,
): Promise<string[]> {
  if (!deps.controllers) return suggest(callerOn(), name, value, others);
  const { names } = deps.controllers;
  const split = (typed: string) => splitJobName(typed, names, name);
  if (JOB_ARGUMENTS.has(name)) {
    const { controller, name: typed } = split(value);
    if (!controller)
      return names.filter((known) => known.startsWith(value.toLowerCase())).map((known) => `${known}:`);
    const values = await suggest(callerOn(controller), name, typed, others);
    return values.map((job) => `${controller}:${job}`);
  }
  const { controller, name: fullName } = split(others.fullName ?? "");
  if (!controller) return [];
  return suggest(callerOn(controller), name, value, { ...others, fullName });
}

function suggest(
  caller: Caller,
  name: string,
  value: string,
  others: Record<string, string>,
): Promise<string[]> {
  if (JOB_ARGUMENTS.has(name)) return jobNames(caller, value);
  if (name === "number" && others.fullName) return buildNumbers(caller, others.fullName, value);
  return Promise.resolve([]);
}

/** Full names that start with what was typed, shallowest first; then those matching its words. */
async function jobNames(caller: Caller, typed: string): Promise<string[]> {
  const tree = await caller.jenkins.jobTree(undefined);
  const items = tree.items.filter((item) =>
    caller.guard.mayList(caller.client, item.fullName, isContainer(item.type)),
  );
  const prefix = typed.toLowerCase();
  const starting = items
    .filter((item) => item.fullName.toLowerCase().startsWith(prefix))
    .sort((a, b) => depth(a) - depth(b) || a.fullName.localeCompare(b.fullName));
  const names = new Set(starting.map((item) => item.fullName));
  if (typed.trim()) for (const item of rankJobs(items, typed)) names.add(item.fullName);
  return [...names];
}

function depth(item: TreeItem): number {
  return item.fullName.split("/").length;
}

async function buildNumbers(caller: Caller, fullName: string, typed: string): Promise<string[]> {
  const path = await permittedJob(caller, "read", fullName, "fullName");
  const history = await caller.jenkins.listBuilds(path, RECENT_BUILDS, caller.signal);
  const values = [...history.builds.map((build) => String(build.number)), ...PERMALINKS];
  return values.filter((value) => value.startsWith(typed));
}

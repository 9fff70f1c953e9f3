import { z } from "zod";
import { describeBuild, formatJobPath } from "../../jenkins/paths.js";
import { MASK } from "../../secrets.js";
import { defineTool, ToolError } from "../registry.js";
import { jobFullName, requiredBuildNumber } from "../schemas.js";

const MAX_SCRIPT = 1_000_000;

export const replayBuild = defineTool({
  name: "replayBuild",
  toolset: "pipelines",
  core: false,
  title: "Replay a pipeline build with a changed script",
  description:
    'Run a pipeline build again with a changed script (read it with getReplayScript), its parameters as they were. Runs code no one reviewed in Jenkins: policy action "replay", allowed only by a policy rule and always confirmed by the person. E.g. {"jobFullName": "team/api", "buildNumber": 41, "script": "pipeline { ... }"}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: requiredBuildNumber,
    script: z.string().min(1).max(MAX_SCRIPT).describe("The whole main script to run instead"),
    loadedScripts: z
      .record(z.string(), z.string().max(MAX_SCRIPT))
      .optional()
      .describe("Loaded scripts to change, by the name getReplayScript gives; the rest run as they were"),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    replayOf: z.number(),
    scriptChanged: z.boolean(),
    loadedScriptsChanged: z.array(z.string()),
  }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  writes: "replay",
  async handler(input, { jenkins, signal, job, check, authorize, audit }) {
    const path = await job("replay", input.jobFullName);
    const fullName = formatJobPath(path);
    // The original scripts and parameters are read data: the client must be allowed to read the job.
    check("read", fullName);
    const number = await jenkins.buildNumber(path, input.buildNumber, signal);
    const name = describeBuild(path, number);
    const original = await jenkins.replayScripts(path, number, signal);
    const unknown = Object.keys(input.loadedScripts ?? {}).filter(
      (field) => !(field in original.loadedScripts),
    );
    if (unknown.length > 0) {
      const known = Object.keys(original.loadedScripts);
      throw new ToolError(
        `${name} loaded no script ${unknown.join(", ")}; ${known.length ? `its loaded scripts are: ${known.join(", ")}` : "it loaded none"}.`,
      );
    }
    const scripts = {
      mainScript: input.script,
      loadedScripts: { ...original.loadedScripts, ...input.loadedScripts },
    };
    refuseMaskedSecrets(name, original, scripts);
    const { parameters } = await jenkins.buildParameters(path, number, signal);
    if (parameters.some((parameter) => parameter.password)) {
      throw new ToolError(
        `Jenkins does not replay ${name}: it had a password parameter. Change the script in the job (or its repository) and run it with rebuild instead.`,
      );
    }
    const scriptChanged = scripts.mainScript !== original.mainScript;
    const loadedScriptsChanged = Object.keys(input.loadedScripts ?? {}).filter(
      (field) => input.loadedScripts?.[field] !== original.loadedScripts[field],
    );
    const what =
      scriptChanged || loadedScriptsChanged.length > 0 ? "a changed script" : "its script unchanged";
    await authorize("replay", fullName, `replay ${name} with ${what}`);
    await jenkins.replayBuild(path, number, scripts, signal);
    audit.done = `replayed ${name} with ${what}`;
    return {
      text: `Jenkins queued a replay of ${name} with ${what}. It tells no queue item: the new build's cause reads "Replayed #${number}" (see getBuilds).`,
      structured: { jobFullName: fullName, replayOf: number, scriptChanged, loadedScriptsChanged },
    };
  },
});

/**
 * getReplayScript shows secrets as ****: a script sent back with **** where the original has none
 * would run without its secrets, so it is refused.
 */
function refuseMaskedSecrets(
  name: string,
  original: { mainScript: string; loadedScripts: Record<string, string> },
  scripts: { mainScript: string; loadedScripts: Record<string, string> },
): void {
  const carriesMask = (given: string, was: string | undefined) =>
    given.includes(MASK) && !(was ?? "").includes(MASK);
  const masked = [
    ...(carriesMask(scripts.mainScript, original.mainScript) ? ["the main script"] : []),
    ...Object.keys(scripts.loadedScripts).filter((field) =>
      carriesMask(scripts.loadedScripts[field] ?? "", original.loadedScripts[field]),
    ),
  ];
  if (masked.length > 0) {
    throw new ToolError(
      `${masked.join(", ")} of the replay of ${name} hold ${MASK} where the original has none: those are secrets getReplayScript masked; put the real values back (ask the person), or nothing is sent.`,
    );
  }
}

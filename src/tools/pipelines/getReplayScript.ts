import { z } from "zod";
import { describeBuild, formatJobPath } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";
import { jobFullName, requiredBuildNumber } from "../schemas.js";

export const getReplayScript = defineTool({
  name: "getReplayScript",
  toolset: "pipelines",
  core: false,
  title: "Read a pipeline build's script",
  description:
    'The pipeline script a build ran, and the scripts it loaded, to change and run with replayBuild. Needs the Jenkins user\'s Run/Replay permission (implied by Job/Configure). E.g. {"jobFullName": "team/api", "buildNumber": 41}',
  inputSchema: z.object({ jobFullName, buildNumber: requiredBuildNumber }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    script: z.string(),
    loadedScripts: z.array(z.object({ name: z.string(), script: z.string() })),
    /** Secrets in the scripts show as ****: replaying that text would run with **** instead. */
    masked: z.boolean(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, job, mask, audit }) {
    const path = await job("read", input.jobFullName);
    const number = await jenkins.buildNumber(path, input.buildNumber, signal);
    const scripts = await jenkins.replayScripts(path, number, signal);
    const script = mask(scripts.mainScript);
    const loadedScripts = Object.entries(scripts.loadedScripts).map(([name, text]) => ({
      name,
      script: mask(text),
    }));
    const masked =
      script !== scripts.mainScript ||
      loadedScripts.some((loaded) => loaded.script !== scripts.loadedScripts[loaded.name]);
    const name = describeBuild(path, number);
    audit.done = `read the pipeline script of ${name}`;
    const lines = [
      `The pipeline script of ${name}:`,
      "```groovy",
      script,
      "```",
      ...loadedScripts.flatMap((loaded) => [
        `Loaded script ${loaded.name}:`,
        "```groovy",
        loaded.script,
        "```",
      ]),
    ];
    if (masked)
      lines.push(
        "Secrets in it show as ****: put the real values back before replaying, or replayBuild refuses it.",
      );
    return {
      text: lines.join("\n"),
      structured: { jobFullName: formatJobPath(path), buildNumber: number, script, loadedScripts, masked },
    };
  },
});

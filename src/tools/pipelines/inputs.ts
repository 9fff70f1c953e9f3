import type { JobPath } from "../../jenkins/paths.js";
import type { ToolContext } from "../registry.js";
import { buildRef } from "../schemas.js";

export async function readInputs(jobPath: JobPath, buildNumber: number | string, context: ToolContext) {
  const { jenkins, signal } = context;
  const build = await jenkins.getBuild(jobPath, buildRef(buildNumber), signal);
  // A finished build waits for nothing: no need to ask the stage view.
  const inputs = build.building ? await jenkins.pendingInputs(jobPath, build.number, signal) : [];
  return { build, inputs };
}

import { getBuild } from "./getBuild.js";
import { getBuildChanges } from "./getBuildChanges.js";
import { getBuilds } from "./getBuilds.js";
import { getFailureSummary } from "./getFailureSummary.js";
import { getTestResults } from "./getTestResults.js";
import { rebuild } from "./rebuild.js";
import { stopBuild } from "./stopBuild.js";
import { triggerBuild } from "./triggerBuild.js";
import { updateBuild } from "./updateBuild.js";

export const buildsTools = [
  getBuild,
  triggerBuild,
  rebuild,
  stopBuild,
  getBuilds,
  getFailureSummary,
  getTestResults,
  getBuildChanges,
  updateBuild,
];

import { getBuildLog } from "./getBuildLog.js";
import { getStageLog } from "./getStageLog.js";
import { searchBuildLog } from "./searchBuildLog.js";

export const logsTools = [getBuildLog, searchBuildLog, getStageLog];

import { getBuildLog } from "./getBuildLog.js";
import { searchBuildLog } from "./searchBuildLog.js";

export const logsTools = [getBuildLog, searchBuildLog];

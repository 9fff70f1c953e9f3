import { getNodes } from "./getNodes.js";
import { getRunningBuilds } from "./getRunningBuilds.js";
import { getStatus } from "./getStatus.js";
import { whoAmI } from "./whoAmI.js";

/**
 * Server-wide facts: whoAmI, getStatus and getNodes name no job, so the job policy has nothing to
 * decide for them; getRunningBuilds shows only builds of jobs the client may read.
 */
export const systemTools = [whoAmI, getStatus, getNodes, getRunningBuilds];

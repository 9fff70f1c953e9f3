import { getStatus } from "./getStatus.js";
import { whoAmI } from "./whoAmI.js";

/** Server-wide facts name no job, so the job policy has nothing to decide for these two. */
export const systemTools = [whoAmI, getStatus];

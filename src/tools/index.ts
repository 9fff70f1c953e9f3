import { buildTools } from "./builds.js";
import { jobTools } from "./jobs.js";
import { logTools } from "./logs.js";
import { queueTools } from "./queue.js";
import type { ToolDefinition } from "./registry.js";

/** Every tool the server offers, in the order clients list them. */
export const allTools: readonly ToolDefinition[] = [...jobTools, ...buildTools, ...logTools, ...queueTools];

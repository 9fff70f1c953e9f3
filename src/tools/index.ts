import { artifactsTools } from "./artifacts/index.js";
import { buildsTools } from "./builds/index.js";
import { jobsTools } from "./jobs/index.js";
import { logsTools } from "./logs/index.js";
import { pipelinesTools } from "./pipelines/index.js";
import { queueTools } from "./queue/index.js";
import type { ToolDefinition } from "./registry.js";
import { systemTools } from "./system/index.js";
import { viewsTools } from "./views/index.js";

/** Every tool the server offers, in the order clients list them: toolset by toolset, as in TOOLSETS. */
export const allTools: readonly ToolDefinition[] = [
  ...jobsTools,
  ...buildsTools,
  ...logsTools,
  ...queueTools,
  ...pipelinesTools,
  ...systemTools,
  ...artifactsTools,
  ...viewsTools,
];

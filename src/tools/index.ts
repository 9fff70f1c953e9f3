import { buildTools } from "./builds.js";
import { diagnosisTools } from "./diagnosis.js";
import { historyTools } from "./history.js";
import { jobTools } from "./jobs.js";
import { logTools } from "./logs.js";
import { pipelineTools } from "./pipelines.js";
import { queueTools } from "./queue.js";
import type { ToolDefinition } from "./registry.js";
import { searchTools } from "./search.js";
import { systemTools } from "./system.js";

/** Every tool the server offers, in the order clients list them. */
export const allTools: readonly ToolDefinition[] = [
  ...jobTools,
  ...searchTools,
  ...buildTools,
  ...historyTools,
  ...diagnosisTools,
  ...logTools,
  ...queueTools,
  ...pipelineTools,
  ...systemTools,
];

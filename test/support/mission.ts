/**
 * The seven tools of the first release (issue #4) by name, which the tests and the bench hold the
 * server to. Written out rather than read from src/, so that a tool renamed or dropped there fails
 * them.
 */
export const MISSION_TOOLS: readonly string[] = [
  "getJob",
  "getJobs",
  "createJob",
  "getBuild",
  "triggerBuild",
  "getBuildLog",
  "cancelQueueItem",
];

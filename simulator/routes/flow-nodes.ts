import type { FlowNode } from "../flow.js";
import { GrowingLog } from "../logs.js";
import { escapeHtml, type SimResponse } from "../pages.js";
import type { Build } from "../world.js";
import { progressiveText } from "./builds.js";
import type { AppEnv, RequestContext } from "./context.js";
import { json } from "./pipeline.js";
import { describeNode, nodeLog } from "./stage-view.js";

/**
 * `{build}/execution/node/{id}/...`: a flow node of the run (CpsFlowExecution.getNode through
 * WorkflowRun.getExecution), its Stage View API (FlowNodeAPI: `wfapi`, `wfapi/describe`, `wfapi/log`)
 * and its own log (workflow-support's LogStorageAction at `log`, whose AnnotatedLargeText answers at
 * `log/logText/progressiveText`). Unknown ids, and runs without a simulated graph, are 404 pages.
 */
export function executionRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const [nodeSegment, id, action, ...tail] = rest;
  const node = nodeSegment === "node" && id !== undefined ? build.flow?.node(id) : undefined;
  if (!node || !build.flow) return env.pages.notFound();
  switch (action) {
    case undefined:
      return env.pages.layout(200, node.displayName, `<h1>${escapeHtml(node.displayName)}</h1>`);
    case "wfapi":
      return flowNodeApi(env, build, node, tail);
    case "log":
      return logAction(env, ctx, build, node, tail);
    default:
      return env.pages.notFound();
  }
}

/** FlowNodeAPI: doIndex and doDescribe (Describe.get), doLog (FlowNodeLogExt). */
function flowNodeApi(env: AppEnv, build: Build, node: FlowNode, rest: readonly string[]): SimResponse {
  const [method, ...tail] = rest;
  if (tail.length > 0 || !build.flow) return env.pages.notFound();
  switch (method) {
    case undefined:
    case "describe":
      return json(describeNode(env, build, build.flow, node));
    case "log":
      return json(nodeLog(env, build, node));
    default:
      return env.pages.notFound();
  }
}

/** LogStorageAction: only nodes that printed have one (LogStorageAction.listenerFor adds it). */
function logAction(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  node: FlowNode,
  rest: readonly string[],
): SimResponse {
  if (node.log.length === 0) return env.pages.notFound();
  if (rest.length === 0)
    return env.pages.layout(200, `${node.displayName} Console`, "<h1>Console Output</h1>");
  const [logText, method, ...tail] = rest;
  if (logText !== "logText" || method !== "progressiveText" || tail.length > 0) return env.pages.notFound();
  // FileLogStorage.stepLog: the node's own bytes. Simulated graphs belong to finished runs, whose
  // nodes are all complete (LogStorageAction passes !node.isActive()).
  return progressiveText(env, ctx, new GrowingLog(node.log.join("")), !build.building);
}

import { can } from "../auth.js";
import { empty, type SimResponse } from "../pages.js";
import { apiResponse } from "./api.js";
import { type AppEnv, JenkinsException, postOnly, type RequestContext } from "./context.js";

/** `queue/...`: the queue, its items, and Queue.doCancelItem. */
export function queueRoute(env: AppEnv, ctx: RequestContext, rest: readonly string[]): SimResponse {
  const [action, ...tail] = rest;
  switch (action) {
    case undefined:
      return env.pages.layout(200, "Build Queue", "<h1>Build Queue</h1>");
    case "api":
      return apiResponse(env, ctx, tail, () => env.beans.queue());
    case "cancelItem":
      return tail.length ? env.pages.notFound() : cancelItem(env, ctx);
    case "item":
      return itemRoute(env, ctx, tail);
    default:
      return env.pages.notFound();
  }
}

function itemRoute(env: AppEnv, ctx: RequestContext, rest: readonly string[]): SimResponse {
  const [id, action, ...tail] = rest;
  const item = id !== undefined && /^\d+$/.test(id) ? env.world.queueItem(Number(id)) : undefined;
  if (!item) return env.pages.notFound();
  if (action === undefined)
    return env.pages.layout(200, item.job.fullDisplayName, `<h1>Queue item ${item.id}</h1>`);
  return action === "api"
    ? apiResponse(env, ctx, tail, () => env.beans.queueItem(item))
    : env.pages.notFound();
}

/** HttpResponses.status(204) when cancelled; HttpResponses.error(...) pages otherwise. */
function cancelItem(env: AppEnv, ctx: RequestContext): SimResponse {
  const refused = postOnly(env, ctx);
  if (refused) return refused;
  const raw = ctx.params.get("id") ?? "0";
  if (!/^[+-]?\d+$/.test(raw)) {
    throw new JenkinsException(
      500,
      `org.apache.commons.beanutils.ConversionException: Failed to convert ${raw}`,
    );
  }
  const id = Number.parseInt(raw, 10);
  const item = env.world.queueItem(id);
  if (!item) throw new JenkinsException(404, `java.lang.Exception: Provided id (${id}) not found`);
  if (!can(ctx.auth, "Job/Cancel")) {
    throw new JenkinsException(422, `java.lang.Exception: Item for id (${id}) is not cancellable`);
  }
  if (!env.world.cancel(item)) {
    throw new JenkinsException(500, `java.lang.Exception: Could not cancel run for id ${id}`);
  }
  return empty(204);
}

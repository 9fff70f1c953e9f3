import { escapeHtml, redirect, type SimResponse } from "../pages.js";
import { Folder, type Item, type ItemGroup, Job } from "../world.js";
import { apiResponse } from "./api.js";
import { buildRoute } from "./builds.js";
import { type AppEnv, denied, postOnly, type RequestContext } from "./context.js";
import { configDotXml, createItem } from "./create.js";
import { doBuild, doBuildWithParameters } from "./trigger.js";

/** `job/NAME/...` below Jenkins or a folder. */
export function itemRoute(
  env: AppEnv,
  ctx: RequestContext,
  group: ItemGroup,
  rest: readonly string[],
): SimResponse {
  const [name, ...tail] = rest;
  const item = name === undefined ? undefined : group.get(name);
  if (!item) return env.pages.notFound();
  if (item instanceof Folder) return folderRoute(env, ctx, item, tail);
  if (item instanceof Job) return jobRoute(env, ctx, item, tail);
  return env.pages.notFound();
}

function itemPage(env: AppEnv, item: Item): SimResponse {
  return env.pages.layout(200, item.fullDisplayName, `<h1>${escapeHtml(item.displayName)}</h1>`);
}

function folderRoute(env: AppEnv, ctx: RequestContext, folder: Folder, rest: readonly string[]): SimResponse {
  const [action, ...tail] = rest;
  switch (action) {
    case undefined:
      return itemPage(env, folder);
    case "api":
      return apiResponse(env, ctx, tail, () => env.beans.item(folder));
    case "job":
      return itemRoute(env, ctx, folder.children, tail);
    case "config.xml":
      return tail.length ? env.pages.notFound() : configDotXml(env, ctx, folder);
    case "doDelete":
      return doDelete(env, ctx, folder);
    case "createItem":
      return folder.kind === "folder" ? createItem(env, ctx, folder) : env.pages.notFound();
    case "build":
      return folder.kind === "multibranch" ? indexBranches(env, ctx, folder) : env.pages.notFound();
    default:
      return env.pages.notFound();
  }
}

/** ComputedFolder.doBuild schedules branch indexing; the simulator has no branches to discover. */
function indexBranches(env: AppEnv, ctx: RequestContext, folder: Folder): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Job/Build");
  return refused ?? redirect(302, ctx.requestRoot + folder.urlPath);
}

function jobRoute(env: AppEnv, ctx: RequestContext, job: Job, rest: readonly string[]): SimResponse {
  const [action, ...tail] = rest;
  switch (action) {
    case undefined:
      return itemPage(env, job);
    case "api":
      return apiResponse(env, ctx, tail, () => env.beans.item(job));
    case "build":
      return doBuild(env, ctx, job);
    case "buildWithParameters":
      return doBuildWithParameters(env, ctx, job);
    case "config.xml":
      return tail.length ? env.pages.notFound() : configDotXml(env, ctx, job);
    case "disable":
    case "enable":
      return setDisabled(env, ctx, job, action === "disable");
    case "doDelete":
      return doDelete(env, ctx, job);
    default: {
      const build = /^\d+$/.test(action) ? job.getBuild(Number(action)) : job.permalink(action);
      return build ? buildRoute(env, ctx, build, tail) : env.pages.notFound();
    }
  }
}

/** ParameterizedJob.doDisable / doEnable. */
function setDisabled(env: AppEnv, ctx: RequestContext, job: Job, disabled: boolean): SimResponse {
  const refused =
    postOnly(env, ctx) ??
    (job.readOnly ? env.pages.accessDenied(ctx.auth, "Job/Configure") : denied(env, ctx, "Job/Configure"));
  if (refused) return refused;
  job.disabled = disabled;
  return redirect(302, ctx.requestRoot + job.urlPath);
}

/** AbstractItem.doDoDelete: back to the parent. */
function doDelete(env: AppEnv, ctx: RequestContext, item: Item): SimResponse {
  const refused =
    postOnly(env, ctx) ??
    (item.readOnly ? env.pages.accessDenied(ctx.auth, "Job/Delete") : denied(env, ctx, "Job/Delete"));
  if (refused) return refused;
  env.world.removeItem(item);
  return redirect(302, ctx.requestRoot + (item.parent?.urlPath ?? ""));
}

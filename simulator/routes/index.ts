import { can } from "../auth.js";
import { escapeHtml, type SimResponse } from "../pages.js";
import { apiResponse } from "./api.js";
import { type AppEnv, JenkinsException, type RequestContext } from "./context.js";
import { createItem } from "./create.js";
import { itemRoute } from "./items.js";
import { modelConverterRoute } from "./linter.js";
import { queueRoute } from "./queue.js";
import { viewRoute } from "./views.js";

/** Stapler dispatch from the Jenkins root, after authentication and the crumb filter. */
export function route(env: AppEnv, ctx: RequestContext, segments: readonly string[]): SimResponse {
  try {
    return dispatch(env, ctx, segments);
  } catch (error) {
    if (error instanceof JenkinsException) return env.pages.oops(error.status, error.message);
    return env.pages.oops(500, error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

function dispatch(env: AppEnv, ctx: RequestContext, segments: readonly string[]): SimResponse {
  const [first, ...rest] = segments;
  // UnprotectedRootAction and always-readable paths.
  if (first === "whoAmI") {
    if (rest[0] !== "api")
      return env.pages.layout(200, "Who Am I", `<h1>${ctx.auth.user?.id ?? "anonymous"}</h1>`);
    return apiResponse(env, ctx, rest.slice(1), () => env.beans.whoAmI(ctx.auth));
  }
  if (first === "login" && rest.length === 0) return env.pages.login();
  if (!can(ctx.auth, "Overall/Read")) {
    return ctx.auth.user
      ? env.pages.accessDenied(ctx.auth, "Overall/Read")
      : env.pages.loginRequired(ctx.auth, ctx.uri);
  }
  switch (first) {
    case undefined:
      return dashboard(env);
    case "api":
      return apiResponse(env, ctx, rest, () => env.beans.root());
    case "job":
      return itemRoute(env, ctx, env.world.root, rest);
    case "queue":
      return queueRoute(env, ctx, rest);
    case "createItem":
      return rest.length ? env.pages.notFound() : createItem(env, ctx, null);
    case "computer":
      return rest[0] === "api"
        ? apiResponse(env, ctx, rest.slice(1), () => env.beans.computers())
        : env.pages.notFound();
    case "view":
      return viewRoute(env, ctx, env.world.views, "", rest);
    case "pipeline-model-converter":
      return env.declarativeLinter ? modelConverterRoute(env, ctx, rest) : env.pages.notFound();
    case "crumbIssuer":
      return rest[0] === "api" ? crumbIssuer(env, ctx, rest.slice(1)) : env.pages.notFound();
    default:
      return env.pages.notFound();
  }
}

function dashboard(env: AppEnv): SimResponse {
  const rows = env.world.root
    .items()
    .map(
      (item) =>
        `<tr id="job_${escapeHtml(item.name)}"><td><a href="${env.pages.rootPath}${item.urlPath}">${escapeHtml(item.displayName)}</a></td></tr>`,
    )
    .join("\n");
  return env.pages.layout(200, "Dashboard", `<table id="projectstatus">\n${rows}\n</table>`);
}

/** The crumb comes with the web session it is bound to (a new session sets its cookie). */
function crumbIssuer(env: AppEnv, ctx: RequestContext, rest: readonly string[]): SimResponse {
  const cookie = typeof ctx.headers.cookie === "string" ? ctx.headers.cookie : undefined;
  const session = env.crumbs.session(cookie);
  const crumb = env.crumbs.crumb(ctx.auth, session.id);
  const response = apiResponse(env, ctx, rest, () => env.beans.crumb(crumb));
  if (!session.created) return response;
  const path = env.pages.rootPath === "/" ? "/" : env.pages.rootPath.replace(/\/$/, "");
  const setCookie = `${env.crumbs.cookieName}=${session.id}.node0; Path=${path}; HttpOnly`;
  return { ...response, headers: { ...response.headers, "Set-Cookie": setCookie } };
}

import type { SimResponse } from "../pages.js";
import type { ViewSpec } from "../world.js";
import { apiResponse } from "./api.js";
import type { AppEnv, RequestContext } from "./context.js";

/**
 * `view/NAME/...` below the root or a NestedView: ViewGroupMixIn.getView matches the name exactly
 * (no case folding).
 */
export function viewRoute(
  env: AppEnv,
  ctx: RequestContext,
  views: readonly ViewSpec[],
  parentPath: string,
  rest: readonly string[],
): SimResponse {
  const [name, action, ...tail] = rest;
  // The root's primary view, AllView "all", lists every top-level item.
  const all: ViewSpec | undefined = parentPath === "" && name === "all" ? { kind: "all", name } : undefined;
  const view = all ?? views.find((candidate) => candidate.name === name);
  if (!view || name === undefined) return env.pages.notFound();
  const path = `${parentPath}view/${encodeURIComponent(name)}/`;
  switch (action) {
    case undefined:
      return env.pages.layout(200, view.name, `<h1>${view.name}</h1>`);
    case "api":
      return apiResponse(env, ctx, tail, () => env.beans.view(view, parentPath));
    case "view":
      return view.kind === "nested" ? viewRoute(env, ctx, view.views, path, tail) : env.pages.notFound();
    default:
      return env.pages.notFound();
  }
}

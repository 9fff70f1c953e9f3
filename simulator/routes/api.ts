import { type Bean, exportJson, parseTree, type Selection, TreeSyntaxError } from "../export.js";
import type { SimResponse } from "../pages.js";
import { type AppEnv, JenkinsException, type RequestContext } from "./context.js";

/** `{object}/api/json` with `tree` or `depth`; `{object}/api/` is the API help page. */
export function apiResponse(
  env: AppEnv,
  ctx: RequestContext,
  rest: readonly string[],
  bean: () => Bean,
): SimResponse {
  if (rest.length === 0) {
    return env.pages.layout(
      200,
      "Remote API",
      "<h1>REST API</h1><p>Use <code>api/json</code> with <code>tree</code>.</p>",
    );
  }
  if (rest.length !== 1 || rest[0] !== "json") return env.pages.notFound();
  return env.pages.api(exportJson(bean(), selection(ctx.params)));
}

function selection(params: URLSearchParams): Selection {
  const tree = params.get("tree");
  if (tree !== null) {
    try {
      return { tree: parseTree(tree) };
    } catch (error) {
      if (!(error instanceof TreeSyntaxError)) throw error;
      throw new JenkinsException(
        500,
        `jakarta.servlet.ServletException: Malformed tree expression: ${error.message}`,
      );
    }
  }
  const depth = params.get("depth");
  if (depth === null) return { depth: 0 };
  if (!/^[+-]?\d+$/.test(depth)) {
    throw new JenkinsException(500, "jakarta.servlet.ServletException: Depth parameter must be a number");
  }
  return { depth: Number.parseInt(depth, 10) };
}

import { lintDeclarative } from "../linter.js";
import type { SimResponse } from "../pages.js";
import { type AppEnv, postOnly, type RequestContext } from "./context.js";
import { okJson } from "./pipeline.js";

/**
 * `/pipeline-model-converter/validateJenkinsfile`: pipeline-model-definition's ModelConverterAction
 * (a RootAction; @RequirePOST, Jenkins.READ; ModelConverterActionCrumbExclusion exempts it from
 * crumbs). Form field `jenkinsfile`; the answer is HttpResponses.okJSON, so `status` is "ok" even
 * when the script fails. reportFailure accumulates one `error` per SyntaxErrorMessage on ONE
 * object: json-lib makes two or more of them an array.
 */
export function modelConverterRoute(env: AppEnv, ctx: RequestContext, rest: readonly string[]): SimResponse {
  if (rest.length !== 1 || rest[0] !== "validateJenkinsfile") return env.pages.notFound();
  const refused = postOnly(env, ctx);
  if (refused) return refused;
  const script = ctx.params.get("jenkinsfile");
  return okJson(validate(script));
}

function validate(script: string | null): Record<string, unknown> {
  if (!script) return failure("No content found for 'jenkinsfile' parameter");
  const errors = lintDeclarative(script);
  if (errors === null) return failure(`Jenkinsfile content '${script}' did not contain the 'pipeline' step`);
  if (errors.length === 0) return { result: "success" };
  return { result: "failure", errors: [{ error: errors.length === 1 ? errors[0] : errors }] };
}

function failure(message: string): Record<string, unknown> {
  return { result: "failure", errors: [{ error: message }] };
}

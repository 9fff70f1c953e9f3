import { can } from "../auth.js";
import { escapeHtml, jettyError, redirect, type SimResponse } from "../pages.js";
import type { Build } from "../world.js";
import { type AppEnv, causeOf, JenkinsException, postOnly, type RequestContext } from "./context.js";
import { parseForm } from "./trigger.js";

/**
 * workflow-cps's ReplayAction at `{build}/replay/` (checked in its 2026 sources). Its urlName is null,
 * so the URL answers 404, unless the user may replay (Run.REPLAY, implied by Item.CONFIGURE; the
 * job buildable; a script outside the sandbox needs Overall/Administer, which the simulator's
 * sandboxed scripts never do) or rebuild (Item.BUILD). index.jelly shows the replay form, with the
 * main script in a `<textarea name="_.mainScript">` and each loaded script in one named after its
 * class (dots as underscores), or else only the Rebuild button. There is no JSON API. `run`:
 * @RequirePOST, the `json` form's `mainScript` (json-lib's getString: missing is an error) and
 * loaded scripts by field; refused for a build with a password parameter; redirects to the job.
 */
export function replayRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const replayable = can(ctx.auth, "Run/Replay") && build.job.buildable;
  const rebuildable = can(ctx.auth, "Job/Build") && build.job.buildable;
  if (!replayable && !rebuildable) return env.pages.notFound();
  const [action, ...tail] = rest;
  if (tail.length > 0) return env.pages.notFound();
  if (action === undefined) return replayPage(env, build, replayable);
  if (action === "run") return run(env, ctx, build, replayable);
  return env.pages.notFound();
}

function replayPage(env: AppEnv, build: Build, replayable: boolean): SimResponse {
  const title = `Replay ${build.displayName}`;
  if (!replayable) {
    return env.pages.layout(
      200,
      title,
      `<h1>Rebuild ${escapeHtml(build.displayName)}</h1><form action="rebuild" method="POST" name="rebuild"><button>Run</button></form>`,
    );
  }
  const textarea = (field: string, label: string, script: string) =>
    `<div class="jenkins-form-item"><div class="jenkins-form-label">${escapeHtml(label)}</div><div class="workflow-editor-wrapper"><textarea name="_.${escapeHtml(field)}" class="jenkins-input validated" checkMethod="post">${escapeHtml(script)}</textarea></div></div>`;
  const loaded = Object.entries(build.loadedScripts).map(([name, script]) =>
    textarea(name.replace(/\./g, "_"), name, script),
  );
  return env.pages.layout(
    200,
    title,
    [
      `<h1>${escapeHtml(title)}</h1>`,
      '<form action="run" method="POST" name="config">',
      textarea("mainScript", "Main Script", build.script ?? "???"),
      ...loaded,
      '<button name="Submit">Run</button></form>',
    ].join("\n"),
  );
}

function run(env: AppEnv, ctx: RequestContext, build: Build, replayable: boolean): SimResponse {
  const refused = postOnly(env, ctx);
  if (refused) return refused;
  if (!replayable) return env.pages.accessDenied(ctx.auth, "Run/Replay");
  const json = ctx.params.get("json");
  if (!json) return jettyError(400, "This page expects a form submission", ctx.uri);
  const form = parseForm(json);
  if (typeof form.mainScript !== "string") {
    throw new JenkinsException(500, 'net.sf.json.JSONException: JSONObject["mainScript"] not found.');
  }
  if ((build.params ?? []).some((value) => value.type === "password")) {
    // hudson.model.Failure: a 400 page with its message.
    return env.pages.layout(
      400,
      "Error",
      "<h1>Error</h1><p>Replay is not allowed when password parameters are used.</p>",
    );
  }
  const loadedScripts = Object.fromEntries(
    Object.entries(build.loadedScripts).map(([name, original]) => {
      const given = form[name.replace(/\./g, "_")];
      return [name, typeof given === "string" ? given : original];
    }),
  );
  env.world.scheduleReplay(build.job, build.params, causeOf(ctx), {
    of: build.number,
    script: form.mainScript,
    loadedScripts,
  });
  return redirect(302, ctx.requestRoot + build.job.urlPath);
}

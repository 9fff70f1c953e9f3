import { randomUUID } from "node:crypto";
import {
  completeLinesEnd,
  findNextLineStart,
  type LogSource,
  normalizeLineEnds,
  stripNotes,
} from "../logs.js";
import { escapeHtml, jettyError, redirect, type SimResponse } from "../pages.js";
import type { Build } from "../world.js";
import { apiResponse } from "./api.js";
import {
  type AppEnv,
  atLeast,
  causeOf,
  denied,
  JenkinsException,
  postOnly,
  previousPage,
  type RequestContext,
} from "./context.js";
import { executionRoute } from "./flow-nodes.js";
import { graphViewRoute } from "./graph-view.js";
import { inputRoute, wfapiRoute } from "./pipeline.js";
import { replayRoute } from "./replay.js";
import { parseForm } from "./trigger.js";

/** Everything below `{job}/{number}/`: api, console logs, stopping, test reports and pipeline actions. */
export function buildRoute(
  env: AppEnv,
  ctx: RequestContext,
  build: Build,
  rest: readonly string[],
): SimResponse {
  const [action, ...tail] = rest;
  const pipeline = build.job.kind === "pipeline";
  switch (action) {
    case undefined:
      return env.pages.layout(200, build.fullDisplayName, `<h1>${escapeHtml(build.fullDisplayName)}</h1>`);
    case "api":
      return apiResponse(env, ctx, tail, () => env.beans.build(build));
    case "consoleText":
      return consoleText(env, build);
    case "logText":
      return tail[0] === "progressiveText" && tail.length === 1
        ? progressiveText(env, ctx, build.log, !build.building)
        : env.pages.notFound();
    case "stop":
      return pipeline ? interrupt(env, ctx, build) : stop(env, ctx, build);
    case "term":
    case "kill":
      return pipeline ? kill(env, ctx, build, action === "kill") : env.pages.notFound();
    case "testReport":
      return testReport(env, ctx, build, tail);
    case "artifact":
      return artifact(env, build, tail);
    case "wfapi":
      return pipeline ? wfapiRoute(env, ctx, build, tail) : env.pages.notFound();
    case "execution":
      return pipeline ? executionRoute(env, ctx, build, tail) : env.pages.notFound();
    case "stages":
      return pipeline && env.pipelineGraphView ? graphViewRoute(env, ctx, build, tail) : env.pages.notFound();
    case "input":
      return pipeline ? inputRoute(env, ctx, build, tail) : env.pages.notFound();
    case "replay":
      return pipeline ? replayRoute(env, ctx, build, tail) : env.pages.notFound();
    case "submitDescription":
      return tail.length ? env.pages.notFound() : submitDescription(env, ctx, build);
    case "configSubmit":
      return tail.length ? env.pages.notFound() : configSubmit(env, ctx, build);
    case "toggleLogKeep":
      return tail.length ? env.pages.notFound() : toggleLogKeep(env, ctx, build);
    default:
      return env.pages.notFound();
  }
}

/** Run.doSubmitDescription: @RequirePOST, Run.UPDATE (in setDescription); redirects to the build. */
function submitDescription(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Run/Update");
  if (refused) return refused;
  build.description = ctx.params.get("description");
  return redirect(302, ctx.requestRoot + build.url);
}

/**
 * Run.doConfigSubmit: @POST, Run.UPDATE, the `json` form; Run.submit sets BOTH displayName
 * (Util.fixEmptyAndTrim: blank is the default "#N") and description, and json-lib's getString
 * throws for a missing key. FormApply.success(".") redirects to the build.
 */
function configSubmit(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Run/Update");
  if (refused) return refused;
  const json = ctx.params.get("json");
  if (!json) return jettyError(400, "This page expects a form submission", ctx.uri);
  const form = parseForm(json);
  for (const key of ["displayName", "description"]) {
    if (!(key in form))
      throw new JenkinsException(500, `net.sf.json.JSONException: JSONObject["${key}"] not found.`);
  }
  const displayName = String(form.displayName).trim();
  build.displayNameOrNull = displayName === "" ? null : displayName;
  build.description = String(form.description);
  return redirect(302, ctx.requestRoot + build.url);
}

/** Run.doToggleLogKeep: @RequirePOST; keepLog(true) needs Run.UPDATE, keepLog(false) Run.DELETE. */
function toggleLogKeep(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  const keep = !build.keepLog;
  const refused = postOnly(env, ctx) ?? denied(env, ctx, keep ? "Run/Update" : "Run/Delete");
  if (refused) return refused;
  build.keepLog = keep;
  return redirect(302, previousPage(ctx, build.url));
}

/** AbstractBuild.doStop: only a running build needs Job/Cancel; always redirects back. */
function stop(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  const notPost = postOnly(env, ctx);
  if (notPost) return notPost;
  if (build.building) {
    const refused = denied(env, ctx, "Job/Cancel");
    if (refused) return refused;
    env.world.abort(build, causeOf(ctx), false);
  }
  return redirect(302, previousPage(ctx, build.url));
}

/** Run.doStop of a pipeline: interrupts the execution, which a step may catch and run on. */
function interrupt(env: AppEnv, ctx: RequestContext, build: Build): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Job/Cancel");
  if (refused) return refused;
  if (build.building) env.world.interrupt(build, causeOf(ctx));
  return redirect(302, previousPage(ctx, build.url));
}

/** WorkflowRun.doTerm / doKill: Job/Cancel is checked even when nothing runs. */
function kill(env: AppEnv, ctx: RequestContext, build: Build, hard: boolean): SimResponse {
  const refused = postOnly(env, ctx) ?? denied(env, ctx, "Job/Cancel");
  if (refused) return refused;
  if (build.building) env.world.abort(build, causeOf(ctx), hard);
  return redirect(302, previousPage(ctx, build.url));
}

/** TestResultAction's `testReport`: only builds that recorded tests have one. */
function testReport(env: AppEnv, ctx: RequestContext, build: Build, rest: readonly string[]): SimResponse {
  const result = build.testResult;
  if (!result) return env.pages.notFound();
  if (rest.length === 0) return env.pages.layout(200, "Test Result", "<h1>Test Result</h1>");
  const [api, ...tail] = rest;
  return api === "api"
    ? apiResponse(env, ctx, tail, () => env.beans.testReport(build, result))
    : env.pages.notFound();
}

const TEXT = "text/plain;charset=UTF-8";

/** Run.doConsoleText: the whole log, notes stripped, streamed without Content-Length. */
function consoleText(env: AppEnv, build: Build): SimResponse {
  const log = build.log;
  if (!log.exists()) {
    const path = `/var/jenkins_home/jobs/${build.job.fullName.replace(/\//g, "/jobs/")}/builds/${build.number}/log`;
    return { status: 200, headers: { "Content-Type": TEXT }, body: `No such file: ${path}` };
  }
  const length = log.length();
  env.stats.logBytesRead += length;
  return { status: 200, headers: { "Content-Type": TEXT }, body: stripNotes(log.read(0, length), true) };
}

/** File name extensions the servlet container maps to a MIME type, as Jetty's mime.properties does. */
const ARTIFACT_TYPES: Readonly<Record<string, string>> = {
  txt: "text/plain",
  log: "text/plain",
  html: "text/html",
  xml: "application/xml",
  json: "application/json",
  jar: "application/java-archive",
  zip: "application/zip",
};

/**
 * Run.doArtifact through DirectoryBrowserSupport.serveFile: a file with its length as
 * Content-Length, `text/*` types with `;charset=UTF-8`, others by their type or as octet-stream; a
 * missing file is the 404 page. (Directory listings and `*zip*` are not simulated.)
 */
function artifact(env: AppEnv, build: Build, rest: readonly string[]): SimResponse {
  const relativePath = rest.join("/");
  const found = build.artifacts.find((candidate) => candidate.relativePath === relativePath);
  if (!found) return env.pages.notFound();
  const extension = relativePath.slice(relativePath.lastIndexOf(".") + 1).toLowerCase();
  const mime = ARTIFACT_TYPES[extension];
  const type = mime
    ? mime.startsWith("text/")
      ? `${mime};charset=UTF-8`
      : mime
    : "application/octet-stream";
  return { status: 200, headers: { "Content-Type": type }, body: found.content };
}

/** Long.parseLong, or Jenkins' 500 for anything else. */
function parseLong(value: string | null, fallback: number): number {
  if (value === null) return fallback;
  if (!/^[+-]?\d+$/.test(value)) {
    throw new JenkinsException(500, `java.lang.NumberFormatException: For input string: "${value}"`);
  }
  return Number.parseInt(value, 10);
}

/**
 * AnnotatedLargeText.doProgressiveText, per the behaviour of the configured Jenkins version: a build's
 * log (`logText/progressiveText`) or a flow node's (`execution/node/N/log/logText/progressiveText`).
 */
export function progressiveText(
  env: AppEnv,
  ctx: RequestContext,
  log: LogSource,
  completed: boolean,
): SimResponse {
  const accept = ctx.headers.accept ?? "";
  if (atLeast(env.version, "2.534") && accept.startsWith("multipart/form-data")) {
    return streamingText(env, ctx, log, completed);
  }
  if (!log.exists()) {
    return {
      status: 200,
      headers: { "Content-Type": TEXT, "X-Text-Size": "0", "X-More-Data": "true" },
      body: null,
    };
  }
  const length = log.length();
  let start = parseLong(ctx.params.get("start"), 0);
  if (start > length) start = 0; // "text rolled over"
  if (start < 0) {
    const message = atLeast(env.version, "2.509")
      ? "java.io.EOFException: Attempted to read past the end of the log"
      : "java.io.IOException: Negative seek offset";
    throw new JenkinsException(500, message);
  }
  const end = completed ? length : completeLinesEnd(log, start, length);
  env.stats.logBytesRead += end - start;
  // Since 2.509 the header is the file length, set before the body; before, the spooled end offset.
  const textSize = atLeast(env.version, "2.509") ? length : end;
  if (!atLeast(env.version, "2.509")) env.stats.logBytesSpooled += end - start;
  const headers: Record<string, string> = { "Content-Type": TEXT, "X-Text-Size": String(textSize) };
  if (!completed) headers["X-More-Data"] = "true";
  return { status: 200, headers, body: normalizeLineEnds(log.read(start, end)) };
}

interface StreamingMeta {
  completed: boolean;
  startFromNewLine?: boolean;
  start?: number;
  end?: number;
}

/** Stapler's streaming mode (Jenkins 2.534+): multipart parts `text` (notes stripped) and `meta`. */
function streamingText(env: AppEnv, ctx: RequestContext, log: LogSource, completed: boolean): SimResponse {
  const meta: StreamingMeta = { completed };
  const length = log.exists() ? log.length() : 0;
  const requested = parseLong(ctx.params.get("start"), 0);
  const searchUntil = ctx.params.get("searchNewLineUntil");
  let start: number;
  if (requested > length || (requested < 0 && length <= -requested)) {
    start = 0;
  } else if (requested < 0) {
    start = lineStart(log, length + requested, length, meta, env);
  } else if (searchUntil !== null) {
    start = lineStart(log, requested, parseLong(searchUntil, 0), meta, env);
  } else {
    start = requested;
  }
  meta.start = start;
  meta.end = length;
  env.stats.logBytesRead += length - start;
  const boundary = randomUUID();
  return {
    status: 200,
    headers: { "Content-Type": `multipart/form-data;boundary=${boundary}` },
    body: multipart(boundary, stripNotes(log.read(start, length), false), meta),
  };
}

function lineStart(log: LogSource, from: number, stop: number, meta: StreamingMeta, env: AppEnv): number {
  const found = findNextLineStart(log, from, stop);
  env.stats.logBytesRead += (found ?? stop) - from;
  if (found === null) return from;
  meta.startFromNewLine = true;
  return found;
}

function* multipart(boundary: string, text: Iterable<Buffer>, meta: StreamingMeta): Iterable<Buffer> {
  yield Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data;name=text\r\nContent-Type: ${TEXT}\r\n\r\n`,
    "utf8",
  );
  yield* text;
  yield Buffer.from(
    `\r\n--${boundary}\r\nContent-Disposition: form-data;name=meta\r\n` +
      `Content-Type: application/json;charset=utf-8\r\n\r\n${JSON.stringify(meta)}\r\n--${boundary}--`,
    "utf8",
  );
}

import type { IncomingHttpHeaders } from "node:http";
import { type Auth, type CrumbIssuer, can, type Permission } from "../auth.js";
import type { Beans } from "../beans.js";
import type { Pages, SimResponse } from "../pages.js";
import type { Cause, World } from "../world.js";

/** Server-side costs of log requests, so tests can prove what a request made Jenkins read. */
export interface LogStats {
  /** Log bytes Jenkins read to answer (HEAD included: Jenkins reads from `start` and drops the body). */
  logBytesRead: number;
  /** Log bytes held in memory before answering (Jenkins before 2.509 spooled progressiveText). */
  logBytesSpooled: number;
}

export interface AppEnv {
  readonly world: World;
  readonly pages: Pages;
  readonly beans: Beans;
  readonly crumbs: CrumbIssuer;
  readonly version: string;
  readonly stats: LogStats;
  /** The Pipeline Graph View plugin is installed: runs have its `stages/` endpoints. */
  readonly pipelineGraphView: boolean;
  /** The Pipeline: Declarative plugin is installed: `/pipeline-model-converter/` lints scripts. */
  readonly declarativeLinter: boolean;
}

export interface RequestContext {
  readonly method: string;
  /** The request path as sent (prefix included), for error pages. */
  readonly uri: string;
  readonly headers: IncomingHttpHeaders;
  /** Query parameters, then form parameters of an urlencoded body (servlet getParameter order). */
  readonly params: URLSearchParams;
  readonly body: Buffer;
  readonly auth: Auth;
  /** Absolute URL of the Jenkins root as the client addressed it, for Location headers. */
  readonly requestRoot: string;
}

/** Numeric comparison of dotted versions: `atLeast("2.541.1", "2.534")`. */
export function atLeast(version: string, minimum: string): boolean {
  const a = version.split(".").map((n) => Number.parseInt(n, 10) || 0);
  const b = minimum.split(".").map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const diff = (a[i] ?? 0) - (b[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/** The 403 page for a missing permission, or null when the caller has it. */
export function denied(env: AppEnv, ctx: RequestContext, permission: Permission): SimResponse | null {
  return can(ctx.auth, permission) ? null : env.pages.accessDenied(ctx.auth, permission);
}

/** @RequirePOST */
export function postOnly(env: AppEnv, ctx: RequestContext): SimResponse | null {
  return ctx.method === "POST" ? null : env.pages.requirePost(ctx.uri);
}

export function causeOf(ctx: RequestContext): Cause {
  return { userId: ctx.auth.user?.id ?? "anonymous", userName: ctx.auth.user?.fullName ?? "anonymous" };
}

/** HttpResponses.forwardToPreviousPage: back to the Referer, else to the current object. */
export function previousPage(ctx: RequestContext, currentPath: string): string {
  const referer = ctx.headers.referer;
  return typeof referer === "string" && referer ? referer : ctx.requestRoot + currentPath;
}

/** An uncaught exception in Stapler: Jenkins' Oops page. */
export class JenkinsException extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

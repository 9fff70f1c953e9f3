import {
  type McpServer,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  ResourceNotFoundError,
  ResourceTemplate,
  type ServerContext,
  type Variables,
} from "@modelcontextprotocol/server";
import { PolicyDenied } from "../guard/guard.js";
import { InvalidInputError, JenkinsError } from "../jenkins/errors.js";
import { isContainer } from "../jenkins/items.js";
import { type BuildRef, PERMALINKS } from "../jenkins/paths.js";
import { type Caller, permittedJob } from "../tools/access.js";
import { ControllerChoiceError, splitJobName } from "../tools/controllers.js";
import { publicJob } from "../tools/jobs/getJob.js";
import { callerOf, type RegistryDependencies } from "../tools/registry.js";
import { JOB_TEMPLATE, LOG_TEMPLATE, onController } from "../tools/resource-uris.js";

/** Lines of a log resource: more than a tool answer holds, still bounded for the client. */
const LOG_RESOURCE_LINES = 10_000;
const LOG_RESOURCE_CHARS = 2_000_000;

// Built once: a stateless HTTP server registers them again for every request.
const LOG_RESOURCE_TEMPLATE = new ResourceTemplate(LOG_TEMPLATE, { list: undefined });
const JOB_RESOURCE_TEMPLATE = new ResourceTemplate(JOB_TEMPLATE, { list: undefined });
// No toLocaleString: the first use of Intl makes ICU's data resident, some 5 MB of RSS for good.
const LOG_RESOURCE_DESCRIPTION = `The last ${String(LOG_RESOURCE_LINES).replace(/\B(?=(\d{3})+$)/g, ",")} lines of a build's console log, secrets masked; number is a build number or a permalink such as lastBuild`;

/**
 * The resource templates: a job as JSON, and the end of a build's log as text. Reads follow the
 * access policy (a rule that asks for confirmation refuses, as no person can be asked here) and
 * fail as protocol errors, which is how clients expect a resource read to fail.
 */
export function registerResources(server: McpServer, deps: RegistryDependencies): void {
  // The log template first: the job template's {+fullName} would also match a log's address.
  server.registerResource(
    "build-log",
    LOG_RESOURCE_TEMPLATE,
    {
      title: "Build log",
      description: LOG_RESOURCE_DESCRIPTION,
      mimeType: "text/plain",
    },
    (uri, variables, ctx) => read(uri, variables, ctx, deps, readLog),
  );
  server.registerResource(
    "job",
    JOB_RESOURCE_TEMPLATE,
    {
      title: "Jenkins job",
      description: "A job or folder as JSON: status, last builds, health, parameters, first children",
      mimeType: "application/json",
    },
    (uri, variables, ctx) => read(uri, variables, ctx, deps, readJob),
  );
}

type Reader = (uri: URL, variables: Variables, caller: Caller) => Promise<ReadResourceResult>;

async function read(
  uri: URL,
  variables: Variables,
  ctx: ServerContext,
  deps: RegistryDependencies,
  reader: Reader,
): Promise<ReadResourceResult> {
  try {
    const { controller, own } = controllerOf(variables, deps);
    // No person can be asked during a resource read: a rule that asks for confirmation refuses.
    const caller = {
      ...callerOf(deps, ctx, controller),
      signal: ctx.mcpReq.signal,
      confirm: () => undefined,
    };
    return await (controller
      ? onController(controller, () => reader(uri, own, caller))
      : reader(uri, own, caller));
  } catch (error) {
    throw protocolError(error, uri.href);
  }
}

/**
 * With several controllers, an address names its job as the tools do, controller first
 * (`jenkins://job/prod:team/api`); with one, addresses are as they always were.
 */
function controllerOf(
  variables: Variables,
  deps: RegistryDependencies,
): { controller: string | undefined; own: Variables } {
  if (!deps.controllers) return { controller: undefined, own: variables };
  const { names } = deps.controllers;
  const { controller, name } = splitJobName(variable(variables, "fullName"), names, "The address");
  if (!controller) {
    throw new InvalidInputError(
      `The address names no controller: this server has ${names.join(", ")}; write the job as ${names[0]}:team/api, e.g. jenkins://job/${names[0]}:team/api`,
    );
  }
  return { controller, own: { ...variables, fullName: encodeURIComponent(name) } };
}

async function readJob(uri: URL, variables: Variables, caller: Caller): Promise<ReadResourceResult> {
  const path = await permittedJob(caller, "read", variable(variables, "fullName"), "fullName");
  const shown = publicJob(await caller.jenkins.getJob(path, caller.signal));
  if (shown.children) {
    shown.children = shown.children.filter((child) =>
      caller.guard.mayList(caller.client, child.fullName, isContainer(child.type)),
    );
  }
  return {
    contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(shown, null, 2) }],
  };
}

async function readLog(uri: URL, variables: Variables, caller: Caller): Promise<ReadResourceResult> {
  const path = await permittedJob(caller, "read", variable(variables, "fullName"), "fullName");
  const page = await caller.jenkins.logTail({
    path,
    build: buildRefOf(variable(variables, "number")),
    lines: LOG_RESOURCE_LINES,
    maxChars: LOG_RESOURCE_CHARS,
    signal: caller.signal,
  });
  const omitted = page.hasMoreBefore
    ? `[${page.startByte} earlier bytes of ${page.totalBytes} not shown; getBuildLog pages through them]\n`
    : "";
  const text = caller.guard.masker.mask(`${omitted}${page.lines.join("\n")}`);
  return { contents: [{ uri: uri.href, mimeType: "text/plain", text }] };
}

function variable(variables: Variables, name: string): string {
  const value = variables[name];
  const raw = Array.isArray(value) ? value.join(",") : (value ?? "");
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new InvalidInputError(`${name} "${raw}" is not a valid percent-encoded value`);
  }
}

function buildRefOf(number: string): BuildRef {
  if (/^\d+$/.test(number) && Number(number) > 0) return Number(number);
  if ((PERMALINKS as readonly string[]).includes(number)) return number as BuildRef;
  throw new InvalidInputError(`"${number}" is not a build number or one of ${PERMALINKS.join(", ")}`);
}

function protocolError(error: unknown, uri: string): unknown {
  if (error instanceof InvalidInputError || error instanceof ControllerChoiceError)
    return new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
  if (error instanceof JenkinsError && error.kind === "notFound")
    return new ResourceNotFoundError(uri, error.message);
  if (error instanceof JenkinsError) return new ProtocolError(ProtocolErrorCode.InternalError, error.message);
  if (error instanceof PolicyDenied)
    return new ProtocolError(ProtocolErrorCode.InvalidRequest, error.message);
  return error;
}

import { AsyncLocalStorage } from "node:async_hooks";
import { UriTemplate } from "@modelcontextprotocol/server";

/** The resources' addresses, which tools link to and resources serve: `{+fullName}` keeps the folders' slashes readable. */
export const JOB_TEMPLATE = "jenkins://job/{+fullName}";
export const LOG_TEMPLATE = "jenkins://job/{+fullName}/build/{number}/log";

const log = new UriTemplate(LOG_TEMPLATE);

/**
 * The controller a tool call works on, when the server has several: the addresses it links to name
 * it as job names do (`jenkins://job/prod:team/api/...`), without each tool having to know.
 */
const controllerOfCall = new AsyncLocalStorage<string>();

export function onController<T>(controller: string, work: () => T): T {
  return controllerOfCall.run(controller, work);
}

/** A job name as the resources and the tools accept it: `prod:team/api` within a call on controller prod. */
export function qualifiedName(fullName: string): string {
  const controller = controllerOfCall.getStore();
  return controller ? `${controller}:${fullName}` : fullName;
}

export function logUri(fullName: string, number: number): string {
  return log.expand({ fullName: qualifiedName(fullName), number: String(number) });
}

/** A `resource_link` to a build's log, for answers that cannot carry the log itself. */
export function logResourceLink(fullName: string, number: number) {
  return {
    uri: logUri(fullName, number),
    name: `${qualifiedName(fullName)} #${number} log`,
    mimeType: "text/plain",
    description: "The end of the build's console log",
  };
}

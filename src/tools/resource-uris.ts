import { UriTemplate } from "@modelcontextprotocol/server";

/** The resources' addresses, which tools link to and resources serve: `{+fullName}` keeps the folders' slashes readable. */
export const JOB_TEMPLATE = "jenkins://job/{+fullName}";
export const LOG_TEMPLATE = "jenkins://job/{+fullName}/build/{number}/log";

const log = new UriTemplate(LOG_TEMPLATE);

export function logUri(fullName: string, number: number): string {
  return log.expand({ fullName, number: String(number) });
}

/** A `resource_link` to a build's log, for answers that cannot carry the log itself. */
export function logResourceLink(fullName: string, number: number) {
  return {
    uri: logUri(fullName, number),
    name: `${fullName} #${number} log`,
    mimeType: "text/plain",
    description: "The end of the build's console log",
  };
}

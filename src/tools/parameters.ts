import type { Job } from "../jenkins/jobs.js";
import type { ParameterDefinition } from "../jenkins/parameters.js";
import { isSecretParameter, MASK } from "../secrets.js";
import { ToolError } from "./registry.js";

const TRUE_WORDS = new Set(["true", "yes", "on", "1"]);
const FALSE_WORDS = new Set(["false", "no", "off", "0"]);

/**
 * Validates parameters against the definitions of a job (or of an `input` step, named by
 * `fullName`); returns them as Jenkins expects them.
 */
export function checkParameters(
  job: Pick<Job, "fullName" | "parameters">,
  given: Record<string, string | number | boolean>,
): URLSearchParams {
  const names = Object.keys(given);
  if (job.parameters.length === 0 && names.length > 0) {
    throw new ToolError(`${job.fullName} takes no parameters; leave parameters out.`);
  }
  const definitions = new Map(job.parameters.map((definition) => [definition.name, definition]));
  const params = new URLSearchParams();
  for (const name of names) {
    const definition = definitions.get(name);
    if (!definition) {
      throw new ToolError(
        `${job.fullName} has no parameter "${name}"; its parameters are: ${[...definitions.keys()].join(", ")}.`,
      );
    }
    params.set(name, convertValue(definition, given[name] ?? ""));
  }
  return params;
}

function convertValue(definition: ParameterDefinition, value: string | number | boolean): string {
  if (definition.type === "boolean") {
    const word = String(value).trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return "true";
    if (FALSE_WORDS.has(word)) return "false";
    throw new ToolError(
      `Parameter ${definition.name} is a boolean: give true or false, not ${JSON.stringify(value)}.`,
    );
  }
  const text = String(value);
  if (definition.type === "choice" && definition.choices && !definition.choices.includes(text)) {
    throw new ToolError(
      `Parameter ${definition.name} must be one of ${definition.choices.map((choice) => JSON.stringify(choice)).join(", ")}; got ${JSON.stringify(text)}.`,
    );
  }
  return text;
}

export function maskedParameters(
  definitions: ParameterDefinition[],
  sent: URLSearchParams,
): Record<string, string> {
  const passwords = new Set(definitions.filter((d) => d.type === "password").map((d) => d.name));
  return Object.fromEntries(
    [...sent].map(([name, value]) => [name, passwords.has(name) || isSecretParameter(name) ? MASK : value]),
  );
}

export function describeParameters(parameters: Record<string, string>): string {
  const pairs = Object.entries(parameters).map(([name, value]) => `${name}=${value}`);
  return pairs.length > 0 ? ` with ${pairs.join(", ")}` : "";
}

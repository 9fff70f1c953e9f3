import { z } from "zod";
import type { FanOut } from "../controllers.js";
import type { Identity } from "../guard/identity.js";
import type { JenkinsClient } from "../jenkins/client.js";

/** A server's controllers when it has two or more: tools then take a `controller` argument. */
export interface ControllerChoice {
  names: readonly string[];
  fanOut: FanOut;
  /** The client `client` acts as on `controller` (its own identity where the policy names one). */
  jenkinsFor(client: Identity, controller: string): JenkinsClient;
  /** Each controller's client under the server's own credentials (readiness). */
  shared: ReadonlyMap<string, JenkinsClient>;
}

/** The argument every tool gets when the server has several controllers. */
const CONTROLLER_ARGUMENT = "controller";

/**
 * Input fields holding a job or folder full name, which may name its controller first:
 * `prod:team/api`. Jenkins refuses `:` in item names (Jenkins.checkGoodName), so no job name is
 * mistaken for one that names a controller.
 */
const JOB_NAME_FIELDS = ["jobFullName", "parentFullName", "copyFrom"];

const QUALIFIED = /^\s*([A-Za-z][A-Za-z0-9-]*):(.*)$/s;

/**
 * The tool's input schema with a `controller` argument: optional where a job name can say it, or
 * where the tool reads every controller without one; required otherwise.
 */
export function withControllerArgument(
  input: z.ZodObject,
  names: readonly string[],
  spans: boolean,
): z.ZodObject {
  const list = names.map((name) => `"${name}"`).join(", ");
  const choice = z.enum(names as [string, ...string[]], {
    error: `controller must be one of ${list}`,
  });
  const example = JOB_NAME_FIELDS.find((field) => field in input.shape);
  const description = spans
    ? `Which Jenkins controller (${list}); every one when omitted`
    : example
      ? `Which Jenkins controller (${list}); needed unless ${example} names it first, e.g. "${names[0]}:team/api"`
      : `Which Jenkins controller (${list})`;
  const argument = spans || example ? choice.optional().describe(description) : choice.describe(description);
  return input.safeExtend({ [CONTROLLER_ARGUMENT]: argument });
}

/** The tool's output schema with the controller that answered. */
export function withControllerOutput(output: z.ZodObject): z.ZodObject {
  return output.safeExtend({ [CONTROLLER_ARGUMENT]: z.string() });
}

/** A refusal of the arguments, before anything is sent to any controller. */
export class ControllerChoiceError extends Error {
  override name = "ControllerChoiceError";
}

/**
 * The controller a job name starts with (`prod:team/api`) and the name Jenkins knows (`team/api`);
 * no controller when it names none. Throws when it names one the server does not have.
 */
export function splitJobName(
  value: string,
  names: readonly string[],
  field: string,
): { controller: string | undefined; name: string } {
  const match = QUALIFIED.exec(value);
  if (!match) return { controller: undefined, name: value };
  const [, prefix = "", name = ""] = match;
  const controller = prefix.toLowerCase();
  if (!names.includes(controller)) {
    throw new ControllerChoiceError(
      `${field} "${value}" names controller "${prefix}", which this server does not have; the controllers are ${names.join(", ")}.`,
    );
  }
  return { controller, name };
}

/**
 * Which controller a call is for, from its `controller` argument and the controllers its job names
 * give (`prod:team/api`), and the input with those names stripped to what Jenkins knows. Undefined:
 * none was named (a tool that spans controllers then reads them all). Throws when they disagree,
 * name an unknown controller, or none is named where one is needed.
 */
export function chooseController(
  input: Record<string, unknown>,
  names: readonly string[],
  spans: boolean,
): { controller: string | undefined; input: Record<string, unknown> } {
  const { [CONTROLLER_ARGUMENT]: given, ...rest } = input;
  const named = new Map<string, string>();
  if (typeof given === "string") named.set(given, `controller "${given}"`);
  for (const field of JOB_NAME_FIELDS) {
    const value = rest[field];
    if (typeof value !== "string") continue;
    const { controller, name } = splitJobName(value, names, field);
    if (!controller) continue;
    rest[field] = name;
    if (!named.has(controller)) named.set(controller, `${field} "${value}"`);
  }
  if (named.size > 1) {
    throw new ControllerChoiceError(
      `The call names two controllers (${[...named.values()].join(" and ")}); one call works on one controller.`,
    );
  }
  const [controller] = named.keys();
  if (controller === undefined && !spans) {
    throw new ControllerChoiceError(
      `Say which Jenkins controller: this server has ${names.join(", ")}. Give "controller": "${names[0]}", or start the job name with it, e.g. "${names[0]}:team/api".`,
    );
  }
  return { controller, input: rest };
}

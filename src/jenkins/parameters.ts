import { isSecretParameter, MASK } from "../secrets.js";

/** Parameter definitions, as jobs declare them and as pipelines' waiting `input` steps ask for them. */

export interface RawParameterDefinition {
  _class?: string;
  name: string;
  type?: string;
  description?: string | null;
  defaultParameterValue?: { value?: unknown } | null;
  choices?: string[];
}

export interface ParameterDefinition {
  name: string;
  type: "string" | "text" | "boolean" | "choice" | "password" | "other";
  /** Jenkins' own type name, e.g. StringParameterDefinition. */
  jenkinsType: string;
  default: string | boolean | null;
  choices?: string[];
  description: string | null;
}

const PARAMETER_TYPES: Record<string, ParameterDefinition["type"]> = {
  StringParameterDefinition: "string",
  TextParameterDefinition: "text",
  BooleanParameterDefinition: "boolean",
  ChoiceParameterDefinition: "choice",
  PasswordParameterDefinition: "password",
};

export function toParameterDefinition(definition: RawParameterDefinition): ParameterDefinition {
  const jenkinsType = definition.type ?? definition._class?.split(".").pop() ?? "unknown";
  const type = PARAMETER_TYPES[jenkinsType] ?? "other";
  const value = definition.defaultParameterValue?.value;
  // Jenkins never exports a password parameter's default; either way a secret shows as the mask.
  const secret =
    type === "password" || (isSecretParameter(definition.name) && value !== undefined && value !== null);
  return {
    name: definition.name,
    type,
    jenkinsType,
    default: secret ? MASK : toDefault(value),
    ...(definition.choices ? { choices: definition.choices } : {}),
    description: definition.description || null,
  };
}

function toDefault(value: unknown): string | boolean | null {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return String(value);
  return null;
}

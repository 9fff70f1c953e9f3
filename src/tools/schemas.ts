import { z } from "zod";
import { type BuildRef, PERMALINKS } from "../jenkins/paths.js";

const NUMERIC_STRING = /^\s*-?\d+\s*$/;

/** Models often send numbers as strings ("42"): accept those, refuse anything else clearly. */
function numericStrings(value: unknown): unknown {
  return typeof value === "string" && NUMERIC_STRING.test(value) ? Number(value) : value;
}

export function wholeNumber(description: string, bounds: { min: number; max: number }) {
  return z
    .preprocess(
      numericStrings,
      z
        .number({ error: (issue) => (issue.code === "invalid_type" ? "expected a whole number" : undefined) })
        .int("expected a whole number")
        .min(bounds.min)
        .max(bounds.max),
    )
    .describe(description);
}

export const jobFullName = z.string().min(1).describe('e.g. "team/api" (folders joined by /)');

const buildRefSchema = z.preprocess(numericStrings, z.union([z.number().int().min(1), z.enum(PERMALINKS)]));

export const buildNumber = buildRefSchema.describe("e.g. 42 or a permalink; default lastBuild");

/** A build number the call cannot do without. */
export const requiredBuildNumber = buildRefSchema.describe("e.g. 42, or lastBuild");

export function buildRef(value: number | string | undefined): BuildRef {
  return (value ?? "lastBuild") as BuildRef;
}

/** A build parameter as jobs and pipeline input steps declare it; secrets' defaults show as ****. */
export const parameterSchema = z.object({
  name: z.string(),
  type: z.enum(["string", "text", "boolean", "choice", "password", "other"]),
  default: z.union([z.string(), z.boolean()]).nullable(),
  choices: z.array(z.string()).optional(),
  description: z.string().nullable(),
});

import { z } from "zod";
import { type BuildRef, PERMALINKS } from "../jenkins/paths.js";

/** Models often send numbers as strings ("42"): accept those, refuse anything else clearly. */
export function wholeNumber(description: string) {
  return z
    .preprocess(
      (value) => (typeof value === "string" && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
      z.number({ error: "expected a whole number" }).int("expected a whole number"),
    )
    .describe(description);
}

export const jobFullName = z
  .string()
  .min(1)
  .max(1024)
  .describe(
    'Full name of the job, folders separated by "/", e.g. "team/backend/api". Multibranch branches work encoded ("mb/feature%2Flogin") or decoded ("mb/feature/login").',
  );

export const buildNumber = z
  .preprocess(
    (value) => (typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value),
    z.union([z.number().int().positive(), z.enum(PERMALINKS)], {
      error: `expected a build number such as 42, or one of ${PERMALINKS.join(", ")}`,
    }),
  )
  .describe(`Build number (e.g. 42) or a permalink: ${PERMALINKS.join(", ")}. Default lastBuild.`);

export function buildRef(value: number | string | undefined): BuildRef {
  return (value ?? "lastBuild") as BuildRef;
}

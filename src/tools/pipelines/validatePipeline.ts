import { z } from "zod";
import type { LintError, LintResult } from "../../jenkins/linter.js";
import { defineTool } from "../registry.js";

/** Errors shown at most: a script broken everywhere still gets a small answer. */
const MAX_ERRORS = 50;

export const validatePipeline = defineTool({
  name: "validatePipeline",
  toolset: "pipelines",
  core: false,
  title: "Validate a declarative pipeline",
  description:
    "Check a declarative pipeline script with Jenkins' own linter, before it runs: each error with its line and column. Scripted pipelines (no pipeline { } block) are not checked. E.g. {\"script\": \"pipeline { agent any\\n stages { stage('b') { steps { sh 'make' } } } }\"}",
  inputSchema: z.object({
    script: z.string().min(1).max(1_000_000).describe("The Jenkinsfile's text"),
  }),
  outputSchema: z.object({
    result: z.enum(["valid", "invalid", "notDeclarative"]),
    errors: z.array(
      z.object({ message: z.string(), line: z.number().nullable(), column: z.number().nullable() }),
    ),
    hasMore: z.boolean(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, mask, audit }) {
    const lint = await jenkins.lintPipeline(input.script, signal);
    const errors = lint.result === "invalid" ? lint.errors : [];
    const shown = errors.slice(0, MAX_ERRORS).map((error) => ({ ...error, message: mask(error.message) }));
    audit.done = `validated a pipeline: ${lint.result}${errors.length ? ` (${errors.length} errors)` : ""}`;
    return {
      text: renderLint(lint, shown, errors.length > MAX_ERRORS),
      structured: { result: lint.result, errors: shown, hasMore: errors.length > MAX_ERRORS },
    };
  },
});

function renderLint(lint: LintResult, shown: LintError[], hasMore: boolean): string {
  switch (lint.result) {
    case "valid":
      return "The declarative pipeline is valid.";
    case "notDeclarative":
      return "Not a declarative pipeline (it has no pipeline { } block): Jenkins' linter checks only declarative syntax; a scripted pipeline shows its errors when it runs.";
    case "invalid":
      return [
        `The declarative pipeline has ${lint.errors.length === 1 ? "1 error" : `${lint.errors.length} errors`}:`,
        ...shown.map(describeError),
        ...(hasMore ? [`Only the first ${MAX_ERRORS} are shown.`] : []),
      ].join("\n");
  }
}

function describeError(error: LintError): string {
  return error.line === null
    ? `- ${error.message}`
    : `- line ${error.line}, column ${error.column}: ${error.message}`;
}

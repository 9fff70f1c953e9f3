import { JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";

/**
 * Jenkins' declarative linter: pipeline-model-definition's ModelConverterAction (RootAction
 * `pipeline-model-converter`, @RequirePOST, Overall/Read, exempt from crumbs). Of its two validators,
 * `validate` answers plain text made for people (`Errors encountered validating Jenkinsfile:` and
 * Groovy's error blocks); `validateJenkinsfile` answers JSON through Stapler's okJSON:
 * `{"status":"ok","data":{"result":"success"}}`, or `"result":"failure"` with `errors: [{error}]`,
 * where `error` is one message or, for several, an array of them (json-lib's accumulate). Each
 * message is Groovy's SyntaxException text, which ends in ` @ line L, column C.`.
 */

interface RawLint {
  data?: { result?: string; errors?: Array<{ error?: string | string[] } | null> };
}

export interface LintError {
  message: string;
  line: number | null;
  column: number | null;
}

export type LintResult =
  | { result: "valid" }
  | { result: "invalid"; errors: LintError[] }
  /** No `pipeline { }` block: the linter checks only declarative pipelines. */
  | { result: "notDeclarative" };

const POSITION = / @ line (\d+), column (\d+)\.$/;
/** ModelConverterAction's message for a script without the `pipeline` step; it quotes the whole script. */
const NOT_DECLARATIVE = /^Jenkinsfile content '[\s\S]*' did not contain the 'pipeline' step$/;

export async function lintPipeline(
  http: JenkinsHttp,
  script: string,
  signal?: AbortSignal,
): Promise<LintResult> {
  const response = await http.send({
    method: "POST",
    path: "pipeline-model-converter/validateJenkinsfile",
    body: new URLSearchParams({ jenkinsfile: script }).toString(),
    headers: { "content-type": "application/x-www-form-urlencoded" },
    action: "validating the pipeline with Jenkins' declarative linter",
    notFound: {
      sentence:
        "Jenkins has no declarative linter at pipeline-model-converter/: the Pipeline: Declarative plugin (pipeline-model-definition) is not installed",
    },
    signal,
  });
  const text = await response.body.text();
  let raw: RawLint;
  try {
    raw = JSON.parse(text) as RawLint;
  } catch {
    throw new JenkinsError("unexpected", "Jenkins' declarative linter did not answer with JSON.");
  }
  if (raw.data?.result === "success") return { result: "valid" };
  const messages = (raw.data?.errors ?? []).flatMap((entry) => entry?.error ?? []);
  if (messages.length === 1 && NOT_DECLARATIVE.test(messages[0] ?? "")) return { result: "notDeclarative" };
  return { result: "invalid", errors: messages.map(toLintError) };
}

function toLintError(message: string): LintError {
  const position = POSITION.exec(message);
  if (!position) return { message, line: null, column: null };
  return {
    message: message.slice(0, position.index),
    line: Number(position[1]),
    column: Number(position[2]),
  };
}

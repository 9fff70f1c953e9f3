import { readFileSync } from "node:fs";
import { type Document, isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError } from "./config.js";

/** A settings file read and validated, with the line of any part of it for later checks' messages. */
export interface YamlFile<Data> {
  data: Data;
  /** "SOURCE line N": where the value at `path` is written, for a message about it. */
  at(path: PropertyKey[]): string;
}

/** The text of a settings file that `setting` names, or a ConfigError saying why it cannot be read. */
export function readSettingsFile(setting: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      `${setting} names a file that cannot be read (${(error as NodeJS.ErrnoException).code}): ${path}`,
    );
  }
}

/**
 * Parses YAML (or JSON, which is YAML) and validates it with `schema`; every mistake is reported
 * with its line, an unknown key at its own line.
 */
export function parseYamlFile<Schema extends z.ZodType>(
  text: string,
  source: string,
  schema: Schema,
): YamlFile<z.output<Schema>> {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    const error = document.errors[0];
    const line = error ? lines.linePos(error.pos[0]).line : 1;
    throw new ConfigError(
      `${source} line ${line}: not valid YAML or JSON (${error?.code ?? "syntax error"})`,
    );
  }
  const at = (path: PropertyKey[]) => `${source} line ${lineOf(document, lines, path)}`;
  const parsed = schema.safeParse(document.toJS());
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const path =
        issue.code === "unrecognized_keys" ? [...issue.path, ...issue.keys.slice(0, 1)] : issue.path;
      const where = path.length ? ` (${path.join(".")})` : "";
      return `${at(path)}${where}: ${issue.message}`;
    });
    throw new ConfigError(problems.join("; "));
  }
  return { data: parsed.data, at };
}

/**
 * The line of the deepest part of `path` that exists in the document: a map entry's own key (a
 * misspelt key is reported where it is written), or a list item.
 */
function lineOf(document: Document, lines: LineCounter, path: PropertyKey[]): number {
  for (let depth = path.length; depth >= 1; depth--) {
    const parent = document.getIn(path.slice(0, depth - 1) as Array<string | number>, true);
    const key = path[depth - 1];
    const node = isMap(parent)
      ? parent.items.find((pair) => isScalar(pair.key) && pair.key.value === key)?.key
      : isSeq(parent) && typeof key === "number"
        ? parent.items[key]
        : undefined;
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lines.linePos(range[0]).line;
  }
  const start = isMap(document.contents) ? document.contents.range?.[0] : undefined;
  return start === undefined ? 1 : lines.linePos(start).line;
}

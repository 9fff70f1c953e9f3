/**
 * A declarative pipeline checker with the messages and positions of pipeline-model-definition's
 * (ModelParser, ModelValidatorImpl and their Messages.properties) and of Groovy's parser for
 * unbalanced braces. A small subset: required sections, unknown sections, stages without work.
 * Each error is Groovy's SyntaxException text: `message @ line L, column C.`
 */

interface Token {
  kind: "word" | "string" | "{" | "}" | "(" | ")" | "newline";
  text: string;
  line: number;
  column: number;
}

/** A statement of a block: `agent any`, `stage('Build') { ... }`, `sh 'make'`. */
interface Statement {
  name: string;
  label: string | null;
  line: number;
  column: number;
  block: Statement[] | null;
}

/** The errors, or null when the script has no `pipeline { }` block (it is not declarative). */
export function lintDeclarative(script: string): string[] | null {
  const tokens = tokenize(script);
  const parsed = parseBlock(tokens, 0, 0, endOf(script));
  if (typeof parsed === "string") return [parsed];
  const pipeline = parsed.statements.find((statement) => statement.name === "pipeline" && statement.block);
  if (!pipeline?.block) return null;
  return checkPipeline(pipeline);
}

const PIPELINE_SECTIONS = new Set([
  "agent",
  "stages",
  "post",
  "environment",
  "options",
  "parameters",
  "triggers",
  "tools",
  "libraries",
]);
const STAGE_SECTIONS = new Set([
  "agent",
  "environment",
  "tools",
  "input",
  "options",
  "when",
  "post",
  "steps",
  "stages",
  "parallel",
  "matrix",
  "failFast",
]);

function at(statement: Pick<Statement, "line" | "column">, message: string): string {
  return `${message} @ line ${statement.line}, column ${statement.column}.`;
}

function checkPipeline(pipeline: Statement): string[] {
  const errors: string[] = [];
  const sections = pipeline.block ?? [];
  for (const section of sections) {
    if (!PIPELINE_SECTIONS.has(section.name)) errors.push(at(section, `Undefined section "${section.name}"`));
  }
  for (const required of ["agent", "stages"]) {
    if (!sections.some((section) => section.name === required)) {
      errors.push(at(pipeline, `Missing required section "${required}"`));
    }
  }
  const stages = sections.find((section) => section.name === "stages");
  if (stages) checkStages(stages, errors);
  return errors.sort((a, b) => position(a) - position(b));
}

function checkStages(stages: Statement, errors: string[]): void {
  const list = (stages.block ?? []).filter((statement) => statement.name === "stage");
  if (list.length === 0) errors.push(at(stages, "No stages specified"));
  for (const stage of list) {
    const sections = stage.block ?? [];
    for (const section of sections) {
      if (!STAGE_SECTIONS.has(section.name)) {
        errors.push(
          at(
            section,
            `Unknown stage section "${section.name}". Starting with version 0.5, steps in a stage must be in a \u2018steps\u2019 block.`,
          ),
        );
      }
    }
    if (!sections.some((section) => ["steps", "stages", "parallel", "matrix"].includes(section.name))) {
      errors.push(
        at(stage, `Expected one of "steps", "stages", or "parallel" for stage "${stage.label ?? ""}"`),
      );
    }
    const nested = sections.find((section) => section.name === "stages");
    if (nested) checkStages(nested, errors);
  }
}

function position(error: string): number {
  const match = / @ line (\d+), column (\d+)\.$/.exec(error);
  return match ? Number(match[1]) * 100_000 + Number(match[2]) : 0;
}

function endOf(script: string): { line: number; column: number } {
  const lines = script.split("\n");
  return { line: lines.length, column: (lines.at(-1)?.length ?? 0) + 1 };
}

/**
 * Statements up to the `}` closing this block (depth > 0) or the end; Groovy's messages for a
 * stray `}` or a missing one.
 */
function parseBlock(
  tokens: Token[],
  start: number,
  depth: number,
  end: { line: number; column: number },
): { statements: Statement[]; next: number } | string {
  const statements: Statement[] = [];
  let current: Statement | null = null;
  let parens = 0;
  for (let index = start; index < tokens.length; index++) {
    const token = tokens[index] as Token;
    if (token.kind === "(") parens++;
    else if (token.kind === ")") parens = Math.max(0, parens - 1);
    else if (token.kind === "string" && current && current.label === null && current.block === null) {
      current.label = token.text;
    } else if (parens > 0) {
      // Arguments spanning lines belong to the statement they started in.
    } else if (token.kind === "newline") current = null;
    else if (token.kind === "word" && current === null) {
      current = { name: token.text, label: null, line: token.line, column: token.column, block: null };
      statements.push(current);
    } else if (token.kind === "{") {
      const inner = parseBlock(tokens, index + 1, depth + 1, end);
      if (typeof inner === "string") return inner;
      if (current && current.block === null) current.block = inner.statements;
      current = null;
      index = inner.next;
    } else if (token.kind === "}") {
      if (depth === 0) return at(token, "unexpected token: }");
      return { statements, next: index };
    }
  }
  if (depth > 0) return at(end, "expecting '}', found ''");
  return { statements, next: tokens.length };
}

/** Words, strings (their text), braces, parentheses and line ends; comments and the rest dropped. */
function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let column = 1;
  let index = 0;
  const advance = (count: number) => {
    for (let step = 0; step < count && index < script.length; step++) {
      if (script[index] === "\n") {
        line++;
        column = 1;
      } else column++;
      index++;
    }
  };
  while (index < script.length) {
    const rest = script.slice(index, index + 3);
    const char = script[index] as string;
    const here = { line, column };
    if (char === "\n" || char === ";") {
      tokens.push({ kind: "newline", text: char, ...here });
      advance(1);
    } else if (rest.startsWith("//")) {
      while (index < script.length && script[index] !== "\n") advance(1);
    } else if (rest.startsWith("/*")) {
      const close = script.indexOf("*/", index + 2);
      advance((close < 0 ? script.length : close + 2) - index);
    } else if (char === "'" || char === '"') {
      const quote = rest === char.repeat(3) ? rest : char;
      let close = index + quote.length;
      while (close < script.length && !script.startsWith(quote, close))
        close += script[close] === "\\" ? 2 : 1;
      tokens.push({ kind: "string", text: script.slice(index + quote.length, close), ...here });
      advance(close + quote.length - index);
    } else if ("{}()".includes(char)) {
      tokens.push({ kind: char as Token["kind"], text: char, ...here });
      advance(1);
    } else if (/[A-Za-z_$]/.test(char)) {
      const word = /^[A-Za-z_$][\w$]*/.exec(script.slice(index))?.[0] ?? char;
      tokens.push({ kind: "word", text: word, ...here });
      advance(word.length);
    } else advance(1);
  }
  return tokens;
}

import type { TestCase } from "../../jenkins/tests.js";

export function cut(text: string, width: number): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** The error of a failing test: its message, else the start of its stack trace. */
export function testError(test: TestCase): string | null {
  return test.errorDetails || test.errorStackTrace?.split("\n").slice(0, 3).join(" ") || null;
}

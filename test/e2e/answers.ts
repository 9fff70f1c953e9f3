import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import type { ToolAnswer } from "./harness.js";

/** A successful answer's structured content. */
export function expectOk(answer: ToolAnswer): Record<string, unknown> {
  expect(answer.isError, answer.text).toBe(false);
  return answer.structured ?? {};
}

/** A tool error that says `message`, without HTML or a stack trace. */
export function expectRefused(answer: ToolAnswer, message: RegExp): void {
  expect(answer.isError, answer.text).toBe(true);
  expect(answer.text).toMatch(message);
  expect(answer.text).not.toMatch(/<html|<\/[a-z]+>|\n\s+at /i);
}

/** A tool error of one line that says `message`. */
export function expectOneSentence(answer: ToolAnswer, message: RegExp): void {
  expectRefused(answer, message);
  expect(answer.text).not.toContain("\n");
}

/** A policy file that lets every client read team/** and nothing else. */
export function teamReadsPolicy(): string {
  const file = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-policy-")), "policy.yaml");
  writeFileSync(
    file,
    'rules:\n  - name: team-reads\n    clients: ["*"]\n    jobs: ["team/**"]\n    allow: [read]\n',
  );
  return file;
}

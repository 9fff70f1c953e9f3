import type { SimulatorProcess } from "./processes.js";
import type { Row } from "./report.js";

export interface BenchContext {
  /** Small sizes and few repetitions: a smoke run for the tests, not figures to quote. */
  quick: boolean;
  simulator: SimulatorProcess;
  /** Progress for the person watching (stderr). */
  progress(message: string): void;
}

export interface Scenario {
  name: string;
  run(context: BenchContext): Promise<Row[]>;
}

/** The tool's answer as a model receives it: its text blocks and its structured content. */
export interface ToolAnswer {
  isError: boolean;
  text: string;
  structured: Record<string, unknown>;
}

function toolAnswer(result: Record<string, unknown>): ToolAnswer {
  const content = (result.content ?? []) as { type: string; text?: string }[];
  return {
    isError: result.isError === true,
    text: content
      .filter((block) => block.type === "text")
      .map((block) => block.text ?? "")
      .join("\n"),
    structured: (result.structuredContent ?? {}) as Record<string, unknown>,
  };
}

/** The answer, or an error naming the call when the tool failed. */
export function expectOk(result: Record<string, unknown>, what: string): ToolAnswer {
  const answer = toolAnswer(result);
  if (answer.isError) throw new Error(`${what} failed: ${answer.text}`);
  return answer;
}

import { describe, expect, it } from "vitest";
import { isErrorLine } from "../../../src/tools/builds/getFailureSummary.js";

describe("error lines of a log", () => {
  it.each([
    ["[ERROR] Failed to execute goal", true],
    ["Main.java:3: error: cannot find symbol", true],
    ["[2026-11-20T09:14:03.512Z] script returned exit code 1", true],
    ["Finished: FAILURE", false],
    ["[Pipeline] error", false],
    // Timestamper prefixes every pipeline line, Jenkins' own steps and verdict included.
    ["[2026-11-20T09:14:03.512Z] Finished: FAILURE", false],
    ["[2026-11-20T09:14:03.512Z] [Pipeline] // stage (failed)", false],
    ["09:14:03 Finished: FAILURE", false],
    ["[09:14:03] [Pipeline] error", false],
  ])("%j is an error line: %s", (line, expected) => {
    expect(isErrorLine(line)).toBe(expected);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lineMatcher, MatchCollector } from "../../../src/tools/logs/matcher.js";
import { ToolError } from "../../../src/tools/registry.js";

/** searchBuildLog's matcher against a naive search, however the log arrives in batches. */
const line = fc.stringMatching(/^[abAB.*( ]{0,8}$/);
const lines = fc.array(line, { maxLength: 60 });
const needle = fc.stringMatching(/^[abAB.*(]{1,2}$/);

/** The log split into consecutive batches at the given cut points. */
function batches(all: string[], cuts: number[]): string[][] {
  const points = [...new Set(cuts.map((cut) => cut % (all.length + 1)))].sort((a, b) => a - b);
  const result: string[][] = [];
  let from = 0;
  for (const point of [...points, all.length]) {
    result.push(all.slice(from, point));
    from = point;
  }
  return result;
}

function collect(
  all: string[],
  cuts: number[],
  options: Parameters<typeof lineMatcher>[0],
  max: number,
  context: number,
) {
  const collector = new MatchCollector(lineMatcher(options), max, context);
  for (const batch of batches(all, cuts)) if (!collector.push(batch)) break;
  return collector.matches;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

describe("MatchCollector", () => {
  it("finds the first maxMatches matching lines, with their numbers and context", () => {
    fc.assert(
      fc.property(
        lines,
        needle,
        fc.boolean(),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (all, pattern, ignoreCase, max, context, cuts) => {
          const matches = collect(all, cuts, { pattern, useRegex: false, ignoreCase }, max, context);
          const norm = (text: string) => (ignoreCase ? text.toLowerCase() : text);
          const expected = all
            .map((text, index) => ({ text, number: index + 1 }))
            .filter(({ text }) => norm(text).includes(norm(pattern)))
            .slice(0, max);
          expect(matches.map((match) => match.lineNumber)).toEqual(expected.map((match) => match.number));
          for (const match of matches) {
            const index = match.lineNumber - 1;
            expect(match.line).toBe(all[index]);
            expect(match.before).toEqual(all.slice(Math.max(0, index - context), index));
            expect(match.after).toEqual(all.slice(index + 1, index + 1 + context));
          }
        },
      ),
    );
  });

  it("finds the same lines with a regex that spells the text", () => {
    fc.assert(
      fc.property(
        lines,
        needle,
        fc.boolean(),
        fc.array(fc.nat(), { maxLength: 5 }),
        (all, pattern, ignoreCase, cuts) => {
          const literal = collect(all, cuts, { pattern, useRegex: false, ignoreCase }, 100, 1);
          const spelled = { pattern: escapeRegex(pattern), useRegex: true, ignoreCase };
          const regex = collect(all, [], spelled, 100, 1);
          expect(regex).toEqual(literal);
        },
      ),
    );
  });

  it("refuses an invalid regex, and stops one that backtracks for ever", () => {
    expect(() => lineMatcher({ pattern: "(a", useRegex: true, ignoreCase: false })).toThrowError(ToolError);
    const matcher = lineMatcher({ pattern: "(a+)+$", useRegex: true, ignoreCase: false });
    expect(() => matcher.match([`${"a".repeat(40)}!`])).toThrowError(/backtracks too much/);
  });
});

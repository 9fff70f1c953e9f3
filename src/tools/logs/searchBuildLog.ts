import { z } from "zod";
import { parseJobPath } from "../../jenkins/paths.js";
import { defineTool } from "../registry.js";
import { buildNumber, jobFullName, wholeNumber } from "../schemas.js";
import { type LogMatch, lineMatcher, MatchCollector } from "./matcher.js";

/** A search stops after this long, with what it found so far, so the call ends before clients give up. */
const SEARCH_TIME_LIMIT_MS = 20_000;

const matchSchema = z.object({
  lineNumber: z.number(),
  line: z.string(),
  before: z.array(z.string()),
  after: z.array(z.string()),
});

export const searchBuildLog = defineTool({
  name: "searchBuildLog",
  toolset: "logs",
  core: false,
  title: "Search build log",
  description:
    'Find the lines of a build\'s log that contain a text (or match a regex), with line numbers and context, reading the whole log once without holding it. E.g. {"jobFullName": "team/api", "pattern": "OutOfMemoryError"}',
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    pattern: z.string().min(1).max(1000).describe('Text to find, e.g. "ERROR", or a regex with useRegex'),
    useRegex: z.boolean().default(false).describe("pattern is a JavaScript regular expression"),
    ignoreCase: z.boolean().default(true).describe("Match regardless of case (default true)"),
    maxMatches: wholeNumber("Matches to return (default 50)", { min: 1, max: 500 }).default(50),
    contextLines: wholeNumber("Lines before and after each match (default 2)", { min: 0, max: 10 }).default(
      2,
    ),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    matches: z.array(matchSchema),
    scannedLines: z.number(),
    complete: z.boolean(),
    stoppedBy: z.enum(["maxMatches", "timeLimit"]).nullable(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, readBuild, mask, audit }) {
    // A bad regex is refused before anything is read.
    const matcher = lineMatcher(input);
    const build = await readBuild(input.jobFullName, input.buildNumber);
    // Builds print secrets that Jenkins' own masking missed: what reaches the model is masked.
    const collector = new MatchCollector(matcher, input.maxMatches, input.contextLines, mask);
    const deadline = Date.now() + SEARCH_TIME_LIMIT_MS;
    let timedOut = false;
    const request = {
      path: parseJobPath(build.jobFullName),
      build: build.number,
      building: build.building,
      signal,
    };
    const complete = await jenkins.scanLog(request, (lines) => {
      const more = collector.push(lines);
      timedOut = more && Date.now() > deadline;
      return more && !timedOut;
    });
    const structured = {
      jobFullName: build.jobFullName,
      buildNumber: build.number,
      matches: collector.matches,
      scannedLines: collector.lineCount,
      complete,
      stoppedBy: complete ? null : timedOut ? ("timeLimit" as const) : ("maxMatches" as const),
    };
    audit.done = `searched the log of ${build.jobFullName} #${build.number} (${structured.matches.length} matches)`;
    return { text: renderSearch(structured, input.pattern, build.building), structured };
  },
});

function renderSearch(
  result: {
    jobFullName: string;
    buildNumber: number;
    matches: LogMatch[];
    scannedLines: number;
    stoppedBy: "maxMatches" | "timeLimit" | null;
  },
  pattern: string,
  building: boolean,
): string {
  const where = `${result.jobFullName} #${result.buildNumber}`;
  const scope =
    result.stoppedBy === null
      ? `all ${result.scannedLines} lines${building ? " so far" : ""}`
      : `the first ${result.scannedLines} lines`;
  const header = `${result.matches.length} match${result.matches.length === 1 ? "" : "es"} for "${pattern}" in ${scope} of the log of ${where}`;
  const lines = [result.matches.length ? `${header}:` : `${header}.`];
  const matchLines = new Set(result.matches.map((match) => match.lineNumber));
  let printed = 0;
  for (const match of result.matches) {
    const first = match.lineNumber - match.before.length;
    if (first > printed + 1 && printed > 0) lines.push("--");
    const block = [...match.before, match.line, ...match.after];
    block.forEach((text, offset) => {
      const number = first + offset;
      if (number <= printed) return;
      lines.push(`${number}${matchLines.has(number) ? ":" : "-"} ${text}`);
      printed = number;
    });
  }
  if (result.stoppedBy === "maxMatches") {
    lines.push(
      `Stopped at maxMatches; later lines were not searched: raise maxMatches or narrow the pattern.`,
    );
  } else if (result.stoppedBy === "timeLimit") {
    lines.push(
      `Stopped after ${SEARCH_TIME_LIMIT_MS / 1000} s; later lines were not searched: narrow the pattern, or read around a line with getBuildLog (skip).`,
    );
  }
  return lines.join("\n");
}

import { z } from "zod";
import type { LogPage, LogPosition } from "../jenkins/logs.js";
import { formatJobPath, type JobPath, parseJobPath } from "../jenkins/paths.js";
import { logResourceLink, logUri } from "../resources/uris.js";
import { type LogMatch, lineMatcher, MatchCollector } from "./matcher.js";
import { defineTool, ToolError } from "./registry.js";
import { buildNumber, buildRef, jobFullName, wholeNumber } from "./schemas.js";

const MAX_LINES = 5000;
/** Text of one answer; more is offered as a link to the log resource. */
const INLINE_LOG_CHARS = 100_000;

/** A cursor pins the build and the exact place to continue; opaque to the model. */
const cursorSchema = z.object({
  j: z.string(),
  n: z.number().int().positive(),
  o: z.number().int().min(0),
  s: z.number().int().min(0),
  e: z.number().int().min(0).optional(),
  f: z.string().max(256).optional(),
});
type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString("base64url");
}

export function decodeCursor(text: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, "base64url").toString("utf8")));
  } catch {
    throw new ToolError(
      "cursor is not one this server gave out: pass nextCursor from an earlier getBuildLog answer unchanged.",
    );
  }
}

export const getBuildLog = defineTool({
  name: "getBuildLog",
  toolset: "logs",
  core: true,
  guide: "returns the last lines by default, where failures are",
  title: "Get build log",
  description:
    "Read a build's console log by lines, never the whole log: by default the LAST lines (failures are at the end); skip reads forward from a line; cursor (nextCursor of an answer) continues, and on a running build gives only new output. Over 100 KB of text, fewer lines come back, with a link to the log resource.",
  inputSchema: z.object({
    jobFullName,
    buildNumber: buildNumber.optional(),
    limit: wholeNumber("Lines (default 100); negative = last N", { min: -MAX_LINES, max: MAX_LINES }).default(
      100,
    ),
    skip: wholeNumber("First line to read, 0-based", { min: 0, max: 1_000_000_000 }).optional(),
    cursor: z.string().max(1024).optional().describe("nextCursor of an earlier answer"),
  }),
  outputSchema: z.object({
    jobFullName: z.string(),
    buildNumber: z.number(),
    text: z.string(),
    lineCount: z.number(),
    startByte: z.number(),
    endByte: z.number(),
    totalBytes: z.number(),
    building: z.boolean(),
    hasMoreBefore: z.boolean(),
    hasMoreAfter: z.boolean(),
    nextCursor: z.string().nullable(),
  }),
  annotations: { readOnlyHint: true, openWorldHint: true },
  async handler(input, { jenkins, signal, job, mask, audit }) {
    if (input.limit === 0) throw new ToolError("limit must not be 0: ask for 1 to 5000 lines.");
    if (input.cursor !== undefined && input.skip !== undefined) {
      throw new ToolError("Give either skip or cursor, not both: the cursor already says where to continue.");
    }
    const cursor = input.cursor === undefined ? undefined : decodeCursor(input.cursor);
    if (input.limit < 0 && (cursor || input.skip !== undefined)) {
      throw new ToolError(
        "A negative limit reads the last lines; it cannot be combined with skip or cursor.",
      );
    }
    const jobPath = await job("read", input.jobFullName);
    if (cursor) checkCursor(cursor, jobPath, input.buildNumber);
    const number = cursor
      ? cursor.n
      : await jenkins.buildNumber(jobPath, buildRef(input.buildNumber), signal);
    const lines = Math.abs(input.limit);
    const request = { path: jobPath, build: number, signal, maxChars: INLINE_LOG_CHARS };
    const page =
      cursor || input.skip !== undefined
        ? await jenkins.logForward({
            ...request,
            lines,
            position: cursor ? positionOf(cursor) : { offset: 0, skipLines: input.skip ?? 0 },
          })
        : await jenkins.logTail({ ...request, lines });
    const structured = toOutput(formatJobPath(jobPath), number, page);
    // Builds print secrets that Jenkins' own masking missed: mask what reaches the model.
    structured.text = mask(structured.text);
    audit.done = `read ${page.lines.length} log lines of ${structured.jobFullName} #${number}`;
    // Too much text for one answer: the rest is offered as a resource the client can fetch itself.
    const links = page.cut ? [logResourceLink(structured.jobFullName, number)] : [];
    return { text: renderLog(structured, page.cut), structured, links };
  },
});

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
    const collector = new MatchCollector(matcher, input.maxMatches, input.contextLines);
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
      // Builds print secrets that Jenkins' own masking missed: mask what reaches the model.
      matches: collector.matches.map((match) => ({
        lineNumber: match.lineNumber,
        line: mask(match.line),
        before: match.before.map(mask),
        after: match.after.map(mask),
      })),
      scannedLines: collector.lineCount,
      complete,
      stoppedBy: complete ? null : timedOut ? ("timeLimit" as const) : ("maxMatches" as const),
    };
    audit.done = `searched the log of ${build.jobFullName} #${build.number} (${structured.matches.length} matches)`;
    return { text: renderSearch(structured, input.pattern, build.building), structured };
  },
});

export const logTools = [getBuildLog, searchBuildLog];

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

/** A cursor continues the job it was given out for: its name, as Jenkins spells it, is in the cursor. */
function checkCursor(cursor: Cursor, jobPath: JobPath, build: number | string | undefined): void {
  if (cursor.j !== formatJobPath(jobPath) || (typeof build === "number" && build !== cursor.n)) {
    throw new ToolError(
      `This cursor belongs to ${cursor.j} #${cursor.n}; ask for that build, or drop the cursor to start reading this one.`,
    );
  }
}

function positionOf(cursor: Cursor): LogPosition {
  return {
    offset: cursor.o,
    skipLines: cursor.s,
    ...(cursor.e !== undefined && cursor.f !== undefined
      ? { estimate: cursor.e, fingerprint: cursor.f }
      : {}),
  };
}

function toOutput(jobFullName: string, number: number, page: LogPage) {
  const finished = !page.building && !page.hasMoreAfter;
  const next = page.next;
  return {
    jobFullName,
    buildNumber: number,
    text: page.lines.join("\n"),
    lineCount: page.lines.length,
    startByte: page.startByte,
    endByte: page.endByte,
    totalBytes: page.totalBytes,
    building: page.building,
    hasMoreBefore: page.hasMoreBefore,
    hasMoreAfter: page.hasMoreAfter,
    nextCursor: finished
      ? null
      : encodeCursor({
          j: jobFullName,
          n: number,
          o: next.offset,
          s: next.skipLines,
          ...(next.estimate !== undefined ? { e: next.estimate, f: next.fingerprint } : {}),
        }),
  };
}

function renderLog(log: ReturnType<typeof toOutput>, cut: boolean): string {
  const state = log.building ? "running, log still growing" : "finished";
  const where = `bytes ${log.startByte}-${log.endByte} of ${log.totalBytes}`;
  const fewer = cut
    ? `; cut to ${INLINE_LOG_CHARS / 1000} KB of text, the log is resource ${logUri(log.jobFullName, log.buildNumber)}`
    : "";
  const header = `${log.jobFullName} #${log.buildNumber} (${state}): ${log.lineCount} lines, ${where}${log.hasMoreBefore ? "; earlier lines exist" : ""}${log.hasMoreAfter ? "; more follows" : ""}${fewer}`;
  const next = log.nextCursor ? `\nnextCursor: ${log.nextCursor}` : "";
  return `${header}${next}\n${log.text}`;
}

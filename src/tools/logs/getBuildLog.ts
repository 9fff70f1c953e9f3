import { z } from "zod";
import type { LogPage } from "../../jenkins/logs.js";
import { formatJobPath } from "../../jenkins/paths.js";
import { defineTool, ToolError } from "../registry.js";
import { logResourceLink, logUri } from "../resource-uris.js";
import { buildNumber, buildRef, jobFullName, wholeNumber } from "../schemas.js";
import { checkCursor, decodeCursor, encodeCursor, positionOf } from "./cursor.js";

const MAX_LINES = 5000;
/** Text of one answer; more is offered as a link to the log resource. */
const INLINE_LOG_CHARS = 100_000;

export const getBuildLog = defineTool({
  name: "getBuildLog",
  toolset: "logs",
  core: true,
  guide: "returns the last lines by default, where failures are",
  title: "Get build log",
  description:
    "Read a build's console log by lines, never whole: by default the LAST lines; skip reads forward from a line; cursor (an answer's nextCursor) continues, on a running build with only new output. Past 100 KB, fewer lines and a link to the log resource.",
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
  async handler(input, { jenkins, signal, job, mask, audit, controller }) {
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
    if (cursor) checkCursor(cursor, { jobPath, build: input.buildNumber, controller });
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
    const structured = toOutput(formatJobPath(jobPath), number, page, controller);
    // Builds print secrets that Jenkins' own masking missed: mask what reaches the model.
    structured.text = mask(structured.text);
    audit.done = `read ${page.lines.length} log lines of ${structured.jobFullName} #${number}`;
    // Too much text for one answer: the rest is offered as a resource the client can fetch itself.
    const links = page.cut ? [logResourceLink(structured.jobFullName, number)] : [];
    return { text: renderLog(structured, page.cut), structured, links };
  },
});

function toOutput(jobFullName: string, number: number, page: LogPage, controller: string | undefined) {
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
          ...(controller ? { c: controller } : {}),
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

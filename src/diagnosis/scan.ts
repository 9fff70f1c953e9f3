/**
 * Reads a log through the error finder within a budget, so that a diagnosis answers in about a
 * second whatever the log's size, and says what it did not read.
 */
import type { JenkinsClient } from "../jenkins/client.js";
import type { BuildLogRequest } from "../jenkins/logs.js";
import { type ErrorBlock, ErrorFinder, type ErrorScan } from "./errors.js";

/**
 * Most logs are read whole: the finder reads 40-80 MB/s (`npm run bench`, diagnosis row), so a
 * 64 MB log takes about a second. Beyond the time limit the log's last lines are read instead.
 */
const SCAN_BYTES = 64 * 1024 * 1024;
const SCAN_MS = 800;
/** Lines read from the end when the forward read stopped early: where a build stopped is there. */
const TAIL_LINES = 2000;

export interface LogFindings {
  /** Error blocks from the start of the log; line numbers count from its first line (0). */
  scan: ErrorScan;
  /** Only when the forward read stopped early: blocks of the log's last lines. */
  tail: { blocks: ErrorBlock[]; lineCount: number } | null;
}

/** Streams `read`'s lines through an error finder until the end or the budget. */
export async function findErrors(
  read: (consume: (lines: string[]) => boolean) => Promise<boolean>,
  startedAt = Date.now(),
): Promise<ErrorScan> {
  const finder = new ErrorFinder({ maxBytes: SCAN_BYTES, deadline: startedAt + SCAN_MS });
  await read((lines) => finder.consume(lines));
  return finder.finish();
}

/** The errors of a build's whole log, or of its start and its end when it is too long to read in time. */
export async function findBuildLogErrors(
  jenkins: JenkinsClient,
  request: BuildLogRequest & { building: boolean },
  startedAt = Date.now(),
): Promise<LogFindings> {
  const scan = await findErrors((consume) => jenkins.scanLog(request, consume), startedAt);
  if (scan.stoppedBy === null) return { scan, tail: null };
  const page = await jenkins.logTail({ ...request, lines: TAIL_LINES });
  // The tail has a budget of its own: it is small, and the end of a log is where a build stopped.
  const tailScan = await findErrors(async (consume) => {
    consume(page.lines);
    return true;
  });
  return { scan, tail: { blocks: tailScan.blocks, lineCount: page.lines.length } };
}

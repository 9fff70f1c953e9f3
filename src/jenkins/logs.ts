import type { Dispatcher } from "undici";
import { JenkinsError } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type Line, LineSplitter } from "./lines.js";

/**
 * Where a forward read resumes. `offset` is always an exact byte offset of Jenkins' log file (from
 * X-Text-Size, or 0) followed by `skipLines` whole lines: correct on any Jenkins, but it re-reads
 * those lines. `estimate` is where those lines probably end, computed from the answer's bytes; it
 * is used only when the text found there starts with `fingerprint`, the start of the next line, so
 * paging through a huge log costs each page once (console notes that Jenkins strips from the answer
 * make the estimate short; then the exact path is taken).
 */
export interface LogPosition {
  offset: number;
  skipLines: number;
  estimate?: number;
  fingerprint?: string;
}

export interface LogPage {
  lines: string[];
  /** File offset of the first returned line (estimated when Jenkins stripped console notes before it). */
  startByte: number;
  endByte: number;
  /** Size of the log file when read. */
  totalBytes: number;
  building: boolean;
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
  next: LogPosition;
}

export interface LogTarget {
  /** Relative URL of the build: `job/x/42/`. */
  buildPath: string;
  action: string;
  notFound: string;
  signal?: AbortSignal | undefined;
}

const FINGERPRINT_CHARS = 64;
const MIN_FINGERPRINT_CHARS = 16;
const MIN_TAIL_BYTES = 64 * 1024;
const TAIL_BYTES_PER_LINE = 200;
const MAX_TAIL_BYTES = 256 * 1024 * 1024;

interface ProgressiveAnswer {
  /** X-Text-Size: the file offset just after the last byte this answer covers. */
  end: number;
  building: boolean;
  body: Dispatcher.ResponseData["body"];
}

export class LogReader {
  constructor(private readonly http: JenkinsHttp) {}

  /** The last `count` lines, moving about their bytes plus one size probe. */
  async tail(target: LogTarget, count: number): Promise<LogPage> {
    const size = await this.size(target);
    let window = Math.max(MIN_TAIL_BYTES, count * TAIL_BYTES_PER_LINE);
    for (;;) {
      // Start one byte early: if that byte is a newline, the first line in the window is whole.
      const from = Math.max(0, size - window - 1);
      const answer = await this.open(target, from);
      const { lines, leadingBytes } = await collectAll(answer.body, from > 0);
      if (lines.length >= count || from === 0 || window >= MAX_TAIL_BYTES) {
        const shown = lines.slice(-count);
        const skippedBytes = lines
          .slice(0, lines.length - shown.length)
          .reduce((sum, line) => sum + line.fileBytes, 0);
        const startByte = Math.min(from + leadingBytes + skippedBytes, answer.end);
        return {
          lines: shown.map((line) => line.text),
          startByte,
          endByte: answer.end,
          totalBytes: answer.end,
          building: answer.building,
          hasMoreBefore: startByte > 0,
          hasMoreAfter: answer.building,
          next: { offset: answer.end, skipLines: 0 },
        };
      }
      window = Math.min(window * 4, MAX_TAIL_BYTES);
    }
  }

  /** Up to `limit` lines from a position, stopping the transfer as soon as the page is full. */
  async forward(target: LogTarget, position: LogPosition, limit: number): Promise<LogPage> {
    if (position.estimate !== undefined && position.fingerprint !== undefined) {
      const resumed = await this.read(target, position.estimate, 0, limit, position.fingerprint);
      if (resumed) return resumed;
    }
    const page = await this.read(target, position.offset, position.skipLines, limit);
    if (!page) throw new Error("unreachable: an exact read always answers");
    return page;
  }

  /**
   * Reads from `offset`, skips `skip` lines, returns `limit` lines. With `fingerprint`, returns
   * undefined (having read almost nothing) when the text at `offset` does not start with it.
   */
  private async read(
    target: LogTarget,
    offset: number,
    skip: number,
    limit: number,
    fingerprint?: string,
  ): Promise<LogPage | undefined> {
    const answer = await this.open(target, offset);
    if (answer.end < offset) {
      // Jenkins restarted from 0 ("text rolled over"): the log is shorter than the position.
      answer.body.destroy();
      if (fingerprint !== undefined) return undefined;
      throw new JenkinsError(
        "rejected",
        `The log is now shorter than the position asked for (${offset} bytes, log ${answer.end}); read it again without a cursor.`,
      );
    }
    const page = new PageCollector(skip, limit, fingerprint);
    const splitter = new LineSplitter();
    let stopped = false;
    answer.body.on("error", () => undefined);
    for await (const chunk of answer.body) {
      for (const line of splitter.push(chunk as Buffer)) page.add(line);
      stopped = page.mismatch || page.done(splitter);
      if (stopped) {
        answer.body.destroy();
        break;
      }
    }
    if (!stopped) {
      const last = splitter.finish();
      if (last) page.add(last);
      page.flush();
    }
    if (page.mismatch) return undefined;
    const startByte = offset + page.skippedBytes;
    const endByte = page.full ? startByte + sumBytes(page.taken) : answer.end;
    const after = page.after.slice(0, FINGERPRINT_CHARS);
    return {
      lines: page.taken.map((line) => line.text),
      startByte,
      endByte,
      totalBytes: answer.end,
      building: answer.building,
      hasMoreBefore: startByte > 0,
      hasMoreAfter: page.hasMoreAfter || answer.building,
      next: page.hasMoreAfter
        ? {
            offset,
            skipLines: page.skipped + page.taken.length,
            ...(after.length >= MIN_FINGERPRINT_CHARS ? { estimate: endByte, fingerprint: after } : {}),
          }
        : { offset: answer.end, skipLines: 0 },
    };
  }

  /** Size of the log file: a HEAD on progressive text, whose X-Text-Size is the end offset. */
  private async size(target: LogTarget): Promise<number> {
    const response = await this.http.send({
      method: "HEAD",
      path: `${target.buildPath}logText/progressiveText`,
      query: { start: 0 },
      action: target.action,
      notFound: target.notFound,
      signal: target.signal,
    });
    await response.body.dump();
    return textSize(response.headers);
  }

  private async open(target: LogTarget, start: number): Promise<ProgressiveAnswer> {
    const response = await this.http.send({
      path: `${target.buildPath}logText/progressiveText`,
      query: { start },
      action: target.action,
      notFound: target.notFound,
      signal: target.signal,
    });
    return {
      end: textSize(response.headers),
      building: response.headers["x-more-data"] === "true",
      body: response.body,
    };
  }
}

function textSize(headers: Record<string, string | string[] | undefined>): number {
  const value = Number(headers["x-text-size"]);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new JenkinsError(
      "notJenkins",
      "The log answer had no X-Text-Size header: check that JENKINS_URL points at Jenkins itself, not a proxy page.",
    );
  }
  return value;
}

function sumBytes(lines: Line[]): number {
  return lines.reduce((sum, line) => sum + line.fileBytes, 0);
}

/** All lines of a (tail-sized) answer; with `dropFirst`, the first, partial, line is only measured. */
async function collectAll(
  body: Dispatcher.ResponseData["body"],
  dropFirst: boolean,
): Promise<{ lines: Line[]; leadingBytes: number }> {
  const splitter = new LineSplitter();
  const lines: Line[] = [];
  for await (const chunk of body) lines.push(...splitter.push(chunk as Buffer));
  const last = splitter.finish();
  if (last) lines.push(last);
  const first = dropFirst ? lines.shift() : undefined;
  return { lines, leadingBytes: first?.fileBytes ?? 0 };
}

/**
 * Sorts streamed lines into skipped, taken and (after the page is full) the text that follows,
 * which becomes the next page's fingerprint. With an expected fingerprint, the first lines are
 * held back until enough text has arrived to compare.
 */
class PageCollector {
  readonly taken: Line[] = [];
  skipped = 0;
  skippedBytes = 0;
  after = "";
  mismatch = false;
  private held: Line[] = [];
  private heldText = "";
  private linesAfter = 0;

  constructor(
    private readonly skip: number,
    private readonly limit: number,
    private expected: string | undefined,
  ) {}

  get full(): boolean {
    return this.taken.length >= this.limit;
  }

  get hasMoreAfter(): boolean {
    return this.full && this.linesAfter > 0;
  }

  /** True once the page is full and enough of what follows was seen to fingerprint it. */
  done(splitter: LineSplitter): boolean {
    if (!this.full) return false;
    if (this.after.length >= FINGERPRINT_CHARS) return true;
    if (splitter.pendingBytes >= FINGERPRINT_CHARS * 4) {
      this.after += (this.linesAfter > 0 ? "\n" : "") + splitter.pendingText();
      this.linesAfter++;
      return true;
    }
    return false;
  }

  add(line: Line): void {
    if (this.expected === undefined) {
      this.accept(line);
      return;
    }
    this.held.push(line);
    this.heldText += (this.held.length > 1 ? "\n" : "") + line.text;
    if (this.heldText.length >= this.expected.length) this.verify();
  }

  /** At the end of the answer: whatever was held is compared with what there is. */
  flush(): void {
    if (this.expected !== undefined) this.verify();
  }

  private verify(): void {
    const expected = this.expected ?? "";
    this.mismatch = !this.heldText.startsWith(expected);
    this.expected = undefined;
    if (this.mismatch) return;
    for (const line of this.held) this.accept(line);
    this.held = [];
  }

  private accept(line: Line): void {
    if (this.full) {
      if (this.after.length < FINGERPRINT_CHARS) this.after += (this.linesAfter > 0 ? "\n" : "") + line.text;
      this.linesAfter++;
    } else if (this.skipped < this.skip) {
      this.skipped++;
      this.skippedBytes += line.fileBytes;
    } else {
      this.taken.push(line);
    }
  }
}

import type { Dispatcher } from "undici";
import { buildNotFound } from "./builds.js";
import { JenkinsError, type NotFound } from "./errors.js";
import type { JenkinsHttp } from "./http.js";
import { type Line, LineSplitter } from "./lines.js";
import { parseMultipart } from "./multipart.js";
import { type BuildRef, describeBuild, type JobPath, jobUrlPath } from "./paths.js";

/**
 * Where a forward read resumes in Jenkins' stored log. Jenkins' answers never tell the stored offset
 * of a cut (plain bodies turn LF into CRLF but keep a stored CRLF; streaming text drops console
 * notes), so a position is an exact line start `offset` plus `skipLines` whole lines after it:
 * right on every Jenkins, but it re-reads those lines. `estimate` is where those lines most likely
 * end (stored LF lines counted byte for byte); it is used only when the byte before it is a newline
 * and the text there starts with `fingerprint`, so that paging a huge log reads each page once.
 */
export interface LogPosition {
  offset: number;
  skipLines: number;
  estimate?: number;
  fingerprint?: string;
}

export interface LogPage {
  lines: string[];
  /** Stored offset of the first returned line (estimated when lines were skipped to reach it). */
  startByte: number;
  endByte: number;
  /** Size of the stored log when read. */
  totalBytes: number;
  building: boolean;
  hasMoreBefore: boolean;
  hasMoreAfter: boolean;
  /** Fewer lines than asked: the page reached its `chars` size first. */
  cut: boolean;
  next: LogPosition;
}

/** How much a page may hold: up to `lines` lines, and past its first line about `chars` characters. */
export interface PageSize {
  lines: number;
  chars: number;
}

export interface LogTarget {
  /** Relative URL of the build: `job/x/42/`. */
  buildPath: string;
  action: string;
  notFound: NotFound;
  signal?: AbortSignal | undefined;
}

export interface BuildLogRequest {
  path: JobPath;
  build: BuildRef;
  signal?: AbortSignal | undefined;
}

export interface LogPageRequest {
  lines: number;
  maxChars?: number | undefined;
}

export function logTarget(request: BuildLogRequest): LogTarget {
  return {
    buildPath: `${jobUrlPath(request.path)}${request.build}/`,
    action: `reading the log of ${describeBuild(request.path, request.build)}`,
    notFound: buildNotFound(request.path, request.build),
    signal: request.signal,
  };
}

export function pageSize(request: LogPageRequest): PageSize {
  return { lines: request.lines, chars: request.maxChars ?? Number.POSITIVE_INFINITY };
}

const FINGERPRINT_CHARS = 64;
const MIN_TAIL_BYTES = 64 * 1024;
const TAIL_BYTES_PER_LINE = 200;
/** A tail window never grows past this: a log of a few huge lines is shown cut, not downloaded. */
const MAX_TAIL_BYTES = 16 * 1024 * 1024;
/** How far back the unterminated last line of a finished log is looked for. */
const LAST_LINE_PROBE_BYTES = 4096;
/** Lines per read when a running build's log is scanned. */
const SCAN_PAGE_LINES = 5000;

interface PlainAnswer {
  /** X-Text-Size: the stored length (or, before 2.509 on a running build, where the text stops). */
  size: number;
  building: boolean;
  body: Dispatcher.ResponseData["body"];
}

/** Reads build logs through progressiveText, moving only the bytes of the lines asked for. */
export class LogReader {
  /** Whether this Jenkins answers the streaming (multipart) mode; unknown until first asked. */
  private streaming: boolean | undefined;

  constructor(private readonly http: JenkinsHttp) {}

  /** The last lines, as many as fit in `page`. */
  async tail(target: LogTarget, page: PageSize): Promise<LogPage> {
    let window = Math.max(MIN_TAIL_BYTES, page.lines * TAIL_BYTES_PER_LINE);
    const size = this.streaming === false ? await this.size(target) : undefined;
    for (;;) {
      const streamed = size === undefined ? await this.streamingTail(target, page, window) : undefined;
      const result =
        streamed ?? (await this.plainTail(target, page, window, size ?? (await this.size(target))));
      if (result.complete || window >= MAX_TAIL_BYTES) return result.page;
      window = Math.min(window * 4, MAX_TAIL_BYTES);
    }
  }

  /** The lines from a position that fit in `limit`, stopping the transfer as soon as the page is full. */
  async forward(target: LogTarget, position: LogPosition, limit: PageSize): Promise<LogPage> {
    const { estimate, fingerprint } = position;
    if (estimate !== undefined && estimate > 0) {
      const resumed = await this.read(target, { from: estimate, skip: 0, limit, verify: { fingerprint } });
      if (resumed) return resumed;
    }
    const page = await this.read(target, {
      from: estimate === 0 ? 0 : position.offset,
      skip: estimate === 0 ? 0 : position.skipLines,
      limit,
    });
    if (!page) throw new Error("an unverified read always answers");
    return page;
  }

  /**
   * Every line of the log so far, in batches, to `consume`, which returns false to stop the
   * transfer. A finished log streams from consoleText in one request; a running build's is read in
   * pages, as consoleText would not answer before the build ends. True when the end was reached.
   */
  async scan(target: LogTarget, building: boolean, consume: (lines: string[]) => boolean): Promise<boolean> {
    return building ? this.scanPages(target, consume) : this.scanWhole(target, consume);
  }

  private async scanWhole(target: LogTarget, consume: (lines: string[]) => boolean): Promise<boolean> {
    const response = await this.http.send({
      path: `${target.buildPath}consoleText`,
      action: target.action,
      notFound: target.notFound,
      signal: target.signal,
    });
    const splitter = new LineSplitter();
    response.body.on("error", () => undefined);
    for await (const chunk of response.body) {
      const lines = splitter.push(chunk as Buffer);
      if (lines.length > 0 && !consume(lines.map((line) => line.text))) {
        response.body.destroy();
        return false;
      }
    }
    const last = splitter.finish();
    if (last) consume([last.text]);
    return true;
  }

  private async scanPages(target: LogTarget, consume: (lines: string[]) => boolean): Promise<boolean> {
    let position: LogPosition = { offset: 0, skipLines: 0 };
    for (;;) {
      const page = await this.forward(target, position, {
        lines: SCAN_PAGE_LINES,
        chars: Number.POSITIVE_INFINITY,
      });
      if (!consume(page.lines)) return false;
      if (page.lines.length < SCAN_PAGE_LINES || !page.hasMoreAfter) return true;
      position = page.next;
    }
  }

  /**
   * Reads `limit` lines after skipping `skip` lines from stored offset `from`. With `verify`, asks
   * from the byte before and answers undefined (having read almost nothing) unless that byte is a
   * newline and the text starts with the fingerprint.
   */
  private async read(
    target: LogTarget,
    request: { from: number; skip: number; limit: PageSize; verify?: { fingerprint?: string | undefined } },
  ): Promise<LogPage | undefined> {
    const { from, skip, limit, verify } = request;
    const answer = await this.openPlain(target, verify ? from - 1 : from);
    if (answer.size < from) {
      // Jenkins answered from 0 ("text rolled over"): the log is shorter than the position.
      answer.body.destroy();
      if (verify) return undefined;
      throw new JenkinsError(
        "rejected",
        `The log is shorter (${answer.size} bytes) than the position asked for (${from}); read it again without a cursor.`,
      );
    }
    const page = new PageCollector(
      skip + (verify ? 1 : 0),
      limit,
      verify ? (verify.fingerprint ?? "") : undefined,
    );
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
      // A running build's last bytes may be an unfinished line: it is read again next time, whole.
      const last = answer.building ? undefined : splitter.finish();
      if (last) page.add(last);
      page.flush();
    }
    if (page.mismatch) return undefined;
    return page.result(verify ? from - 1 : from, answer, { offset: from, skipLines: verify ? 0 : skip });
  }

  /** One multipart request with a negative start: the tail from its first whole line (2.534+). */
  private async streamingTail(
    target: LogTarget,
    size: PageSize,
    window: number,
  ): Promise<{ page: LogPage; complete: boolean } | undefined> {
    let response: Awaited<ReturnType<JenkinsHttp["send"]>>;
    try {
      response = await this.http.send({
        path: `${target.buildPath}logText/progressiveText`,
        query: { start: -window },
        headers: { accept: "multipart/form-data" },
        action: target.action,
        notFound: target.notFound,
        signal: target.signal,
      });
    } catch (error) {
      // Before 2.534 a negative start fails with 500 (negative seek): use HEAD and a ranged read.
      if (!(error instanceof JenkinsError && error.kind === "serverError") || this.streaming) throw error;
      this.streaming = false;
      return undefined;
    }
    const contentType = String(response.headers["content-type"] ?? "");
    if (!contentType.startsWith("multipart/")) {
      await response.body.dump();
      this.streaming = false;
      return undefined;
    }
    this.streaming = true;
    const parts = await parseMultipart(response.body, contentType, MAX_TAIL_BYTES * 2);
    const meta = JSON.parse(parts.get("meta")?.toString("utf8") ?? "{}") as {
      start?: number;
      end?: number;
      completed?: boolean;
    };
    const start = meta.start ?? 0;
    const end = meta.end ?? start;
    const building = meta.completed === false;
    const lines = new LineSplitter().push(parts.get("text") ?? Buffer.alloc(0));
    // The streaming text holds back a last line without a newline, even in a finished log.
    const last = building || end === 0 ? undefined : await this.unterminatedLastLine(target, end);
    if (last) lines.push(last);
    const { shown, cut } = lastLines(lines, size);
    const skipped = lines.length - shown.length;
    // Console notes are stripped from this text, so byte counts only estimate offsets: count back
    // from the end of a finished log (only the shown lines' notes then matter), else from the start.
    // With no line skipped, the first shown line is the one at `start`: nothing to estimate.
    const startByte =
      building || skipped === 0
        ? start + sumBytes(lines.slice(0, skipped))
        : Math.max(start, end - sumBytes(shown));
    return {
      complete: shown.length >= size.lines || cut || start === 0,
      page: {
        lines: shown.map((line) => line.text),
        startByte,
        endByte: building ? startByte + sumBytes(shown) : end,
        totalBytes: end,
        building,
        hasMoreBefore: startByte > 0,
        hasMoreAfter: building,
        cut,
        // The text has console notes stripped, so only counted lines from `start` are exact.
        next: building ? { offset: start, skipLines: lines.length } : { offset: end, skipLines: 0 },
      },
    };
  }

  /** The tail by a ranged plain read from one byte before the window, for Jenkins before 2.534. */
  private async plainTail(
    target: LogTarget,
    page: PageSize,
    window: number,
    size: number,
  ): Promise<{ page: LogPage; complete: boolean }> {
    const from = Math.max(0, size - window - 1);
    const answer = await this.openPlain(target, from);
    if (answer.size < from) {
      answer.body.destroy();
      throw new JenkinsError("rejected", "The log shrank while it was read; try again.");
    }
    const splitter = new LineSplitter();
    const lines: Line[] = [];
    answer.body.on("error", () => undefined);
    for await (const chunk of answer.body) lines.push(...splitter.push(chunk as Buffer));
    const last = answer.building ? undefined : splitter.finish();
    if (last) lines.push(last);
    // From one byte early, the first line is partial unless that byte is the newline ending it.
    const partial = from > 0 ? 1 : 0;
    const whole = lines.slice(partial);
    const { shown, cut } = lastLines(whole, page);
    const skipLines = lines.length - shown.length;
    const startByte = from + sumBytes(lines.slice(0, skipLines));
    const endByte = startByte + sumBytes(shown);
    return {
      complete: shown.length >= page.lines || cut || from === 0,
      page: {
        lines: shown.map((line) => line.text),
        startByte,
        endByte: answer.building ? endByte : answer.size,
        totalBytes: answer.size,
        building: answer.building,
        hasMoreBefore: startByte > 0,
        hasMoreAfter: answer.building,
        cut,
        next: answer.building
          ? { offset: from, skipLines: lines.length, estimate: endByte }
          : { offset: answer.size, skipLines: 0 },
      },
    };
  }

  /**
   * The last line of a finished log when it has no newline, from one small plain read of the log's
   * last bytes (console notes kept, so the newline before the line is found whatever it holds).
   */
  private async unterminatedLastLine(target: LogTarget, end: number): Promise<Line | undefined> {
    // Most logs end with a newline: asking for the last byte alone settles it.
    const lastByte = await this.openPlain(target, end - 1);
    if (/^\r?\n$/.test(await lastByte.body.text())) return undefined;
    const answer = await this.openPlain(target, Math.max(0, end - LAST_LINE_PROBE_BYTES));
    const splitter = new LineSplitter();
    answer.body.on("error", () => undefined);
    for await (const chunk of answer.body) splitter.push(chunk as Buffer);
    return splitter.finish();
  }

  /** Stored size of the log: a HEAD on progressive text, whose X-Text-Size is the end offset. */
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

  private async openPlain(target: LogTarget, start: number): Promise<PlainAnswer> {
    const response = await this.http.send({
      path: `${target.buildPath}logText/progressiveText`,
      query: { start },
      action: target.action,
      notFound: target.notFound,
      signal: target.signal,
    });
    return {
      size: textSize(response.headers),
      building: response.headers["x-more-data"] === "true",
      body: response.body,
    };
  }
}

function textSize(headers: Record<string, string | string[] | undefined>): number {
  const value = Number(headers["x-text-size"]);
  if (headers["x-text-size"] === undefined || !Number.isSafeInteger(value) || value < 0) {
    throw new JenkinsError(
      "notJenkins",
      "The log answer had no X-Text-Size header: check that JENKINS_URL points at Jenkins itself, not a proxy page.",
    );
  }
  return value;
}

/** The last lines that fit in `size`; `cut` when the characters ran out before the line count. */
function lastLines(lines: readonly Line[], size: PageSize): { shown: Line[]; cut: boolean } {
  let chars = 0;
  let first = lines.length;
  while (first > 0 && lines.length - first < size.lines) {
    const line = lines[first - 1] as Line;
    if (first < lines.length && chars + line.text.length > size.chars)
      return { shown: lines.slice(first), cut: true };
    chars += line.text.length;
    first--;
  }
  return { shown: lines.slice(first), cut: false };
}

function sumBytes(lines: readonly Line[]): number {
  return lines.reduce((sum, line) => sum + line.fileBytes, 0);
}

/**
 * Sorts streamed lines into skipped, taken and (once the page is full) the text that follows,
 * which becomes the next page's fingerprint. With an expected fingerprint, the first lines are
 * held back until enough text has arrived to compare; the first skipped line must then be empty
 * (the newline before the estimated position).
 */
class PageCollector {
  readonly taken: Line[] = [];
  private takenChars = 0;
  private skippedLines = 0;
  private skippedBytes = 0;
  private after = "";
  private linesAfter = 0;
  private held: Line[] = [];
  private heldText = "";
  mismatch = false;

  constructor(
    private readonly skip: number,
    private readonly limit: PageSize,
    private expected: string | undefined,
  ) {}

  get full(): boolean {
    return this.taken.length >= this.limit.lines || this.takenChars >= this.limit.chars;
  }

  /** True once the page is full and enough of what follows was seen to fingerprint it. */
  done(splitter: LineSplitter): boolean {
    if (!this.full) return false;
    if (this.after.length >= FINGERPRINT_CHARS) return true;
    if (splitter.pendingBytes >= FINGERPRINT_CHARS * 4) {
      this.follow(splitter.pendingText());
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
    if (this.held.length === 1) {
      if (line.text !== "") this.mismatch = true;
      return;
    }
    this.heldText += (this.held.length > 2 ? "\n" : "") + line.text;
    if (this.heldText.length >= this.expected.length) this.verify();
  }

  /** At the end of the answer: whatever was held is compared with what there is. */
  flush(): void {
    if (this.expected !== undefined) this.verify();
  }

  /**
   * The page, read from stored offset `askedFrom`; `anchor` is the exact line start the returned
   * lines are counted from.
   */
  result(askedFrom: number, answer: PlainAnswer, anchor: { offset: number; skipLines: number }): LogPage {
    const ahead = this.full && this.linesAfter > 0;
    const startByte = askedFrom + this.skippedBytes;
    const endByte = startByte + sumBytes(this.taken);
    const skipLines = anchor.skipLines + this.taken.length;
    const fingerprint = this.after.slice(0, FINGERPRINT_CHARS);
    let next: LogPosition;
    if (ahead) next = { offset: anchor.offset, skipLines, estimate: endByte, fingerprint };
    else if (answer.building) next = { offset: anchor.offset, skipLines, estimate: endByte };
    else next = { offset: answer.size, skipLines: 0 };
    return {
      lines: this.taken.map((line) => line.text),
      startByte,
      endByte: ahead || answer.building ? endByte : answer.size,
      totalBytes: answer.size,
      building: answer.building,
      hasMoreBefore: startByte > 0,
      hasMoreAfter: ahead || answer.building,
      cut: this.taken.length < this.limit.lines && this.takenChars >= this.limit.chars,
      next,
    };
  }

  private verify(): void {
    const [newline] = this.held;
    this.mismatch ||= newline === undefined || !this.heldText.startsWith(this.expected ?? "");
    this.expected = undefined;
    if (this.mismatch) return;
    for (const line of this.held) this.accept(line);
    this.held = [];
  }

  private accept(line: Line): void {
    if (this.full) {
      this.follow(line.text);
    } else if (this.skippedLines < this.skip) {
      this.skippedLines++;
      this.skippedBytes += line.fileBytes;
    } else {
      this.taken.push(line);
      this.takenChars += line.text.length;
    }
  }

  private follow(text: string): void {
    if (this.after.length < FINGERPRINT_CHARS) this.after += (this.linesAfter > 0 ? "\n" : "") + text;
    this.linesAfter++;
  }
}

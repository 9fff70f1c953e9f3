import { createHash } from "node:crypto";

/** Byte source of a build log, like Stapler's LargeText.Source. */
export interface LogSource {
  length(): number;
  exists(): boolean;
  /** Raw bytes of [start, end), produced lazily in chunks of at most 64 KiB. */
  read(start: number, end: number): Iterable<Buffer>;
}

const CHUNK = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const CRLF = Buffer.from("\r\n");

/** An in-memory log that grows line by line while its build runs. */
export class GrowingLog implements LogSource {
  private buf = Buffer.alloc(4096);
  private size = 0;
  private created: boolean;

  constructor(initial = "") {
    this.created = initial.length > 0;
    if (initial) this.append(initial);
  }

  length(): number {
    return this.size;
  }

  exists(): boolean {
    return this.created;
  }

  append(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    if (this.size + bytes.length > this.buf.length) {
      const grown = Buffer.alloc(Math.max(this.buf.length * 2, this.size + bytes.length));
      this.buf.copy(grown, 0, 0, this.size);
      this.buf = grown;
    }
    bytes.copy(this.buf, this.size);
    this.size += bytes.length;
    this.created = true;
  }

  *read(start: number, end: number): Iterable<Buffer> {
    // Appends never rewrite bytes below `size`, so slices stay valid even if the buffer is replaced.
    const stop = Math.min(end, this.size);
    for (let pos = start; pos < stop; pos += CHUNK) {
      yield this.buf.subarray(pos, Math.min(pos + CHUNK, stop));
    }
  }
}

export const BIG_LOG_LINE_WIDTH = 100;

const FILLERS = buildFillers();

function buildFillers(): string[] {
  const words =
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore".split(
      " ",
    );
  const width = BIG_LOG_LINE_WIDTH - 23;
  return Array.from({ length: 61 }, (_, variant) => {
    let text = "";
    for (let k = 0; text.length < width; k++) text += `${words[(variant * 7 + k * 3) % words.length]} `;
    return text.slice(0, width);
  });
}

/** Line `n` (1-based) of a generated log: exactly BIG_LOG_LINE_WIDTH bytes including its LF. */
export function bigLogLine(n: number): string {
  const level = n % 100_000 === 0 ? "ERROR" : n % 1000 === 0 ? "WARN " : "INFO ";
  return `Line ${String(n).padStart(9, "0")}: ${level} ${FILLERS[n % FILLERS.length]}\n`;
}

/**
 * A huge log computed on the fly: a header, `lineCount` fixed-width generated lines, a footer.
 * Any byte range is produced from arithmetic (offset -> line number), never held in memory.
 */
export class GeneratedLog implements LogSource {
  private readonly header: Buffer;
  private readonly footer: Buffer;

  constructor(
    header: string,
    readonly lineCount: number,
    footer: string,
  ) {
    this.header = Buffer.from(header, "utf8");
    this.footer = Buffer.from(footer, "utf8");
  }

  length(): number {
    return this.header.length + this.lineCount * BIG_LOG_LINE_WIDTH + this.footer.length;
  }

  exists(): boolean {
    return true;
  }

  /** Byte offset of the start of generated line `n` (1-based). */
  offsetOfLine(n: number): number {
    return this.header.length + (n - 1) * BIG_LOG_LINE_WIDTH;
  }

  *read(start: number, end: number): Iterable<Buffer> {
    const bodyStart = this.header.length;
    const bodyEnd = bodyStart + this.lineCount * BIG_LOG_LINE_WIDTH;
    const stop = Math.min(end, this.length());
    if (start < bodyStart) yield* sliceOf(this.header, start, Math.min(stop, bodyStart));
    for (let pos = Math.max(start, bodyStart); pos < Math.min(stop, bodyEnd); ) {
      const chunkEnd = Math.min(pos + CHUNK, stop, bodyEnd);
      yield this.generate(pos - bodyStart, chunkEnd - bodyStart);
      pos = chunkEnd;
    }
    if (stop > bodyEnd) yield* sliceOf(this.footer, Math.max(start, bodyEnd) - bodyEnd, stop - bodyEnd);
  }

  private generate(from: number, to: number): Buffer {
    const firstLine = Math.floor(from / BIG_LOG_LINE_WIDTH);
    const lastLine = Math.ceil(to / BIG_LOG_LINE_WIDTH);
    const buf = Buffer.allocUnsafe((lastLine - firstLine) * BIG_LOG_LINE_WIDTH);
    for (let line = firstLine; line < lastLine; line++) {
      buf.write(bigLogLine(line + 1), (line - firstLine) * BIG_LOG_LINE_WIDTH, "latin1");
    }
    const skip = from - firstLine * BIG_LOG_LINE_WIDTH;
    return buf.subarray(skip, skip + (to - from));
  }
}

function* sliceOf(buf: Buffer, start: number, end: number): Iterable<Buffer> {
  if (end > start) yield buf.subarray(start, end);
}

const NOTE_PREAMBLE = "\u001b[8mha:";
const NOTE_POSTAMBLE = "\u001b[0m";
const PREAMBLE = Buffer.from(NOTE_PREAMBLE, "utf8");
const POSTAMBLE = Buffer.from(NOTE_POSTAMBLE, "utf8");

/**
 * A hidden console note as Jenkins writes it (ConsoleNote.encode): base64 of
 * int(-macLength), mac, int(length), gzipped serialized note; so it starts with "ha:////4".
 */
export function consoleNote(seed: string): string {
  const digest = (salt: string): Buffer => createHash("sha256").update(`${salt}:${seed}`).digest();
  const mac = digest("mac");
  const payload = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), digest("a"), digest("b")]);
  const head = Buffer.alloc(4);
  head.writeInt32BE(-mac.length);
  const size = Buffer.alloc(4);
  size.writeInt32BE(payload.length);
  return `${NOTE_PREAMBLE}${Buffer.concat([head, mac, size, payload]).toString("base64")}${NOTE_POSTAMBLE}`;
}

/** LineEndNormalizingWriter: every LF not preceded by CR becomes CRLF. */
export function* normalizeLineEnds(chunks: Iterable<Buffer>): Iterable<Buffer> {
  let seenCR = false;
  for (const chunk of chunks) {
    if (chunk.length === 0) continue;
    const parts: Buffer[] = [];
    let from = 0;
    for (let lf = chunk.indexOf(LF); lf >= 0; lf = chunk.indexOf(LF, lf + 1)) {
      const afterCR = lf > 0 ? chunk[lf - 1] === CR : seenCR;
      if (afterCR) continue;
      parts.push(chunk.subarray(from, lf), CRLF);
      from = lf + 1;
    }
    seenCR = chunk[chunk.length - 1] === CR;
    yield parts.length ? Buffer.concat([...parts, chunk.subarray(from)]) : chunk;
  }
}

/**
 * PlainTextConsoleOutputStream: removes console notes line by line. A trailing line without LF is only
 * written when `flushPartial` (the stream is closed, as for consoleText; LargeText's streaming mode
 * only flushes, so Jenkins keeps such a line back).
 */
export function* stripNotes(chunks: Iterable<Buffer>, flushPartial: boolean): Iterable<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  for (const chunk of chunks) {
    const data = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const lastLF = data.lastIndexOf(LF);
    pending = data.subarray(lastLF + 1);
    if (lastLF >= 0) yield removeNotes(data.subarray(0, lastLF + 1));
  }
  if (flushPartial && pending.length) yield removeNotes(pending);
}

function removeNotes(lines: Buffer): Buffer {
  let at = lines.indexOf(PREAMBLE);
  if (at < 0) return lines;
  const parts: Buffer[] = [];
  let written = 0;
  while (at >= 0) {
    const lineEnd = lines.indexOf(LF, at);
    const post = lines.indexOf(POSTAMBLE, at + PREAMBLE.length);
    if (post < 0 || (lineEnd >= 0 && post > lineEnd)) break;
    parts.push(lines.subarray(written, at));
    written = post + POSTAMBLE.length;
    at = lines.indexOf(PREAMBLE, written);
  }
  parts.push(lines.subarray(written));
  return Buffer.concat(parts);
}

/** Jenkins caps one read of a running log to this many lines (LargeText.MAX_LINES_READ). */
const MAX_LINES_READ = 10_000;

/**
 * End offset of what LargeText writes from `start` while the log is still written: up to the last line
 * terminator (CR or LF) before `end`, and at most MAX_LINES_READ terminators.
 */
export function completeLinesEnd(log: LogSource, start: number, end: number): number {
  let pos = start;
  let result = start;
  let lines = 0;
  for (const chunk of log.read(start, end)) {
    for (const byte of chunk) {
      pos++;
      if (byte !== LF && byte !== CR) continue;
      if (++lines > MAX_LINES_READ) return result;
      result = pos;
    }
  }
  return result;
}

/** LargeText.findNextLineStart: the offset just after the first LF in [start, stop - 1), if any. */
export function findNextLineStart(log: LogSource, start: number, stop: number): number | null {
  let pos = start;
  for (const chunk of log.read(start, stop - 1)) {
    const index = chunk.indexOf(LF);
    if (index >= 0) return pos + index + 1;
    pos += chunk.length;
  }
  return null;
}

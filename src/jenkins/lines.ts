/** Longest line kept whole; longer lines are cut and say how much was cut. */
export const MAX_LINE_CHARS = 2000;

/** Console notes (`ESC[8mha:…ESC[0m`, hidden annotations) and ANSI escape sequences. */
const CONSOLE_NOTE = /\u001b\[8mha:[^\u001b]*\u001b\[0m/g;
const ANSI_ESCAPE =
  /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

export function cleanLine(text: string): string {
  // Most lines hold no escape at all: one scan instead of two regex passes.
  if (!text.includes("\u001b")) return text;
  return text.replace(CONSOLE_NOTE, "").replace(ANSI_ESCAPE, "");
}

export interface Line {
  /** The line without its end, console notes and ANSI escapes removed, cut to MAX_LINE_CHARS. */
  text: string;
  /** Bytes the line takes in Jenkins' log file, assuming Jenkins wrote LF where the answer has CRLF. */
  fileBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;
/** Bytes of one line kept in memory; the rest of a huge line is only counted. */
const MAX_LINE_BYTES = MAX_LINE_CHARS * 4 + 64;

/**
 * Splits a byte stream into lines in constant memory: a line longer than MAX_LINE_BYTES is
 * kept only up to that size and its remaining bytes are counted, never stored.
 */
export class LineSplitter {
  private partial: Buffer[] = [];
  private partialSize = 0;
  private droppedBytes = 0;

  /** Feeds bytes; returns the complete lines they finish. */
  push(chunk: Buffer): Line[] {
    const lines: Line[] = [];
    let from = 0;
    for (let end = chunk.indexOf(LF, from); end >= 0; end = chunk.indexOf(LF, from)) {
      if (this.partialSize === 0 && this.droppedBytes === 0 && end - from <= MAX_LINE_BYTES) {
        // A line whole in this chunk (nearly all of them): decoded in place, no copy.
        lines.push(wholeLine(chunk, from, end));
      } else {
        this.keep(chunk.subarray(from, end));
        lines.push(this.takeLine());
      }
      from = end + 1;
    }
    this.keep(chunk.subarray(from));
    return lines;
  }

  /** The unterminated last line, if any (a finished log may not end with a newline). */
  finish(): Line | undefined {
    return this.partialSize + this.droppedBytes > 0 ? this.takeLine(false) : undefined;
  }

  /** Bytes held or counted for the current unterminated line. */
  get pendingBytes(): number {
    return this.partialSize + this.droppedBytes;
  }

  /** The start of the current unterminated line, cleaned, for fingerprints. */
  pendingText(): string {
    return cleanLine(Buffer.concat(this.partial).toString("utf8"));
  }

  private keep(bytes: Buffer): void {
    const room = MAX_LINE_BYTES - this.partialSize;
    if (bytes.length <= room) {
      if (bytes.length > 0) this.partial.push(bytes);
      this.partialSize += bytes.length;
      return;
    }
    if (room > 0) this.partial.push(bytes.subarray(0, room));
    this.partialSize += Math.max(room, 0);
    this.droppedBytes += bytes.length - Math.max(room, 0);
  }

  private takeLine(terminated = true): Line {
    let raw = Buffer.concat(this.partial, this.partialSize);
    let bodyBytes = this.partialSize + this.droppedBytes;
    if (this.droppedBytes === 0 && raw.length > 0 && raw[raw.length - 1] === CR) {
      raw = raw.subarray(0, raw.length - 1);
      bodyBytes -= 1;
    }
    const text = cutLine(cleanLine(raw.toString("utf8")), this.droppedBytes);
    this.partial = [];
    this.partialSize = 0;
    this.droppedBytes = 0;
    return { text, fileBytes: bodyBytes + (terminated ? 1 : 0) };
  }
}

function wholeLine(chunk: Buffer, from: number, end: number): Line {
  const stop = end > from && chunk[end - 1] === CR ? end - 1 : end;
  return { text: cutLine(cleanLine(chunk.toString("utf8", from, stop)), 0), fileBytes: stop - from + 1 };
}

/**
 * A word the cut would split, when it began in the last few hundred characters: a credential cut
 * in two no longer has its shape, so the masking of the tools could not see it and would show its
 * start. Longer runs without a space (encoded blobs) are cut where they stand.
 */
const SPLIT_WORD = /\s+\S{1,300}$/;

function cutLine(text: string, droppedBytes: number): string {
  if (text.length <= MAX_LINE_CHARS && droppedBytes === 0) return text;
  const cut = text.slice(0, MAX_LINE_CHARS);
  const kept = /\S/.test(text.charAt(MAX_LINE_CHARS)) ? cut.replace(SPLIT_WORD, "") : cut;
  const hiddenBytes = Buffer.byteLength(text) - Buffer.byteLength(kept) + droppedBytes;
  return `${kept} … [line cut, ${hiddenBytes} more bytes]`;
}

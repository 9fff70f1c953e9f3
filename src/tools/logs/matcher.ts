import { createContext, Script } from "node:vm";
import { ToolError } from "../registry.js";

export interface MatchOptions {
  pattern: string;
  useRegex: boolean;
  ignoreCase: boolean;
}

/** For each matching line of a batch: its index in the batch and where the match starts. */
type Hits = Map<number, number>;

export interface LineMatcher {
  match(lines: readonly string[]): Hits;
}

/**
 * A regular expression runs inside a vm context with a time limit per batch: one written to
 * backtrack for ever (`(a+)+$`) is stopped there, instead of freezing the server for every client.
 */
const BATCH_TIMEOUT_MS = 1000;
const REGEX_SCAN = new Script(
  "found = []; for (let i = 0; i < lines.length; i++) { const m = re.exec(lines[i]); if (m) found.push(i, m.index); } found",
);

class SlowPattern extends ToolError {
  override name = "SlowPattern";
}

/** The matcher for a model's pattern; refuses an invalid regular expression before anything is read. */
export function lineMatcher(options: MatchOptions): LineMatcher {
  return options.useRegex ? regexMatcher(options) : literalMatcher(options);
}

function literalMatcher({ pattern, ignoreCase }: MatchOptions): LineMatcher {
  const needle = ignoreCase ? pattern.toLowerCase() : pattern;
  return {
    match(lines) {
      const hits: Hits = new Map();
      lines.forEach((line, index) => {
        const at = (ignoreCase ? line.toLowerCase() : line).indexOf(needle);
        if (at >= 0) hits.set(index, at);
      });
      return hits;
    },
  };
}

function regexMatcher({ pattern, ignoreCase }: MatchOptions): LineMatcher {
  let re: RegExp;
  try {
    re = new RegExp(pattern, ignoreCase ? "i" : "");
  } catch (error) {
    throw new ToolError(
      `pattern is not a valid JavaScript regular expression (${(error as Error).message}); fix it, or search for the text as is with useRegex: false.`,
    );
  }
  const context = createContext({ re, lines: [] as readonly string[], found: [] as number[] });
  return {
    match(lines) {
      context.lines = lines;
      let found: number[];
      try {
        found = REGEX_SCAN.runInContext(context, { timeout: BATCH_TIMEOUT_MS }) as number[];
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ERR_SCRIPT_EXECUTION_TIMEOUT") throw error;
        throw new SlowPattern(
          `pattern took over ${BATCH_TIMEOUT_MS / 1000} s on ${lines.length} lines: it backtracks too much (nested quantifiers such as (a+)+ or (.*)*). Simplify it, or search for plain text with useRegex: false.`,
        );
      }
      const hits: Hits = new Map();
      for (let i = 0; i < found.length; i += 2) hits.set(found[i] ?? 0, found[i + 1] ?? 0);
      return hits;
    },
  };
}

/** Longest line shown in a search answer; a long match line is shown around the match. */
const SHOWN_LINE_CHARS = 400;

/** The line, or a window of it around `at` when it is long. */
function showLine(line: string, at = 0): string {
  if (line.length <= SHOWN_LINE_CHARS) return line;
  const from = Math.max(0, Math.min(at - 100, line.length - SHOWN_LINE_CHARS));
  const shown = line.slice(from, from + SHOWN_LINE_CHARS);
  return `${from > 0 ? "…" : ""}${shown}${from + SHOWN_LINE_CHARS < line.length ? "…" : ""}`;
}

export interface LogMatch {
  /** 1-based. */
  lineNumber: number;
  line: string;
  before: string[];
  after: string[];
}

/**
 * Collects matches with their context in constant memory: only the last `contextLines` lines are
 * held for before-context, and matches past `maxMatches` are not kept. Lines are shown masked:
 * each is masked whole, then cut around the match, because a secret cut first may no longer look
 * like one; only the lines shown are masked, not every line read.
 */
export class MatchCollector {
  readonly matches: LogMatch[] = [];
  lineCount = 0;
  /** The last lines read, as read (the adapter bounds their length). */
  private recent: string[] = [];
  private open: LogMatch[] = [];

  constructor(
    private readonly matcher: LineMatcher,
    private readonly maxMatches: number,
    private readonly contextLines: number,
    private readonly mask: (text: string) => string = (text) => text,
  ) {}

  /** True once maxMatches matches have their after-context: reading on cannot change the answer. */
  get full(): boolean {
    return this.matches.length >= this.maxMatches && this.open.length === 0;
  }

  /** Feeds the next lines of the log; false once full. */
  push(lines: readonly string[]): boolean {
    const hits = this.matcher.match(lines);
    for (const [index, line] of lines.entries()) {
      if (this.full) return false;
      this.lineCount++;
      for (const match of this.open) match.after.push(this.show(line));
      this.open = this.open.filter((match) => match.after.length < this.contextLines);
      const at = hits.get(index);
      if (at !== undefined && this.matches.length < this.maxMatches) this.add(line, at);
      this.remember(line);
    }
    return !this.full;
  }

  private add(line: string, at: number): void {
    const match = {
      lineNumber: this.lineCount,
      line: this.show(line, at),
      before: this.recent.map((recent) => this.show(recent)),
      after: [],
    };
    this.matches.push(match);
    if (this.contextLines > 0) this.open.push(match);
  }

  private remember(line: string): void {
    if (this.contextLines === 0) return;
    this.recent.push(line);
    if (this.recent.length > this.contextLines) this.recent.shift();
  }

  /** Masked whole, then cut around the match, which masking may have moved. */
  private show(line: string, at = 0): string {
    return showLine(this.mask(line), at === 0 ? 0 : this.mask(line.slice(0, at)).length);
  }
}

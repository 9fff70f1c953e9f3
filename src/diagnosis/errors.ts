/**
 * Finds the errors in a build's log in one streaming pass and in bounded memory: compiler
 * messages, failed tests, stack traces, a failed Maven goal or Gradle task, a shell's exit code.
 * Pure text logic: it knows nothing of Jenkins' API, HTTP or MCP.
 */
import { cleanLine } from "../jenkins/lines.js";

export type ErrorKind =
  | "maven"
  | "gradle"
  | "javac"
  | "typescript"
  | "eslint"
  | "go"
  | "goTest"
  | "npm"
  | "yarn"
  | "pytest"
  | "junit"
  | "javaException"
  | "pythonTraceback"
  | "make"
  | "exitCode"
  | "generic";

interface LoggedLine {
  /** 0-based index of the line in the log. */
  lineNumber: number;
  /** The line without ANSI escapes, console notes, Timestamper or branch prefix; cut to 500 characters. */
  text: string;
}

interface BlockLine extends LoggedLine {
  /** True for the lines that state the error, false for the context around them. */
  decisive: boolean;
}

export interface ErrorBlock {
  kind: ErrorKind;
  /** 0-based index in the log of the line that starts the error. */
  lineNumber: number;
  /** The parallel branch that printed it (its `[name] ` prefix), or null. */
  branch: string | null;
  /**
   * A little context, the error's lines (stack traces cut to their innermost frames), a little
   * context; in log order and from the block's branch only, so numbers may skip lines.
   */
  lines: BlockLine[];
  /** For a shell's failure (exitCode, make): the last command its step traced (`+ make test`). */
  command: LoggedLine | null;
}

export interface ScanBudget {
  /** Bytes of log to read at most (UTF-8, one per line end). */
  maxBytes: number;
  /** When to stop reading, in `Date.now()` milliseconds. */
  deadline: number;
}

export interface ErrorScan {
  /** The log's first error blocks, then its last one when it comes later; in log order. */
  blocks: ErrorBlock[];
  /** Blocks found between the first ones and the last one, not kept. */
  omittedBlocks: number;
  /** Blocks dropped because a retry followed them (see RETRYING). */
  retriedBlocks: number;
  /** Lines read; when stopped, the 0-based index of the first line not read. */
  scannedLines: number;
  scannedBytes: number;
  /** Why reading stopped before the end of what the caller gave, or null. */
  stoppedBy: "maxBytes" | "deadline" | null;
}

/**
 * The first blocks are kept because the first error usually causes the rest (a compile error
 * fails the tests, which fail the goal); the last one too, because the end of a log names what
 * failed overall (`ERROR: script returned exit code 2`, Maven's failed goal, Gradle's task).
 */
const FIRST_BLOCKS = 8;
const CONTEXT_BEFORE = 2;
const CONTEXT_AFTER = 2;
/** Error lines kept per block: enough for a compiler message or a few causes of an exception. */
const ERROR_LINES = 12;
/** A runaway continuation (a 10,000-frame stack) ends there, so later errors still open blocks. */
const BODY_LINES = 500;
const QUOTED_CHARS = 500;
/** Branches tracked at once; the least recently active one is wound up beyond that. */
const BRANCHES = 64;
/** Lines of its branch after an error within which a retry announcement withdraws it. */
const RETRY_WINDOW = 20;
const DEADLINE_CHECK_LINES = 1024;

const TIME = String.raw`(?:\d{4}-\d{2}-\d{2}[T ])?\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?`;
/**
 * Timestamper's prefix: `[2026-11-23T10:00:01.123Z] ` on pipeline lines (GlobalDecorator), a time
 * and two spaces from its `timestamps/?appendLog` view. Only the prefix's own spaces are taken, so
 * that indentation, which continues errors, survives.
 */
const TIMESTAMP = new RegExp(String.raw`^(?:\[${TIME}\] |${TIME} {1,2})`);
/**
 * A parallel branch's `[name] ` prefix, but not a freestyle step's `[workspace] $ command` line
 * (hudson.Launcher.printCommandLine)...
 */
const BRANCH_PREFIX = /^\[([^\]]{1,100})\](?: (?!\$ )|$)/;
/** ...unless the brackets hold a log level or Jenkins' own tag. */
const NOT_A_BRANCH = /^(?:Pipeline|ERROR|WARNING|WARN|INFO|DEBUG|TRACE|FATAL|SEVERE|NOTICE|CRITICAL)$/i;

/** Jenkins' own lines: pipeline steps (`[Pipeline] sh`) and the verdict. They end any error. */
const JENKINS_LINE = /^(?:\[Pipeline\] |Finished: )/;
const PIPELINE_RETRY_START = "[Pipeline] retry";
const PIPELINE_RETRY_END = "[Pipeline] // retry";
/**
 * A retry announcement: the pipeline `retry` step prints `ERROR: <cause>` then `Retrying`
 * (workflow-basic-steps RetryStepExecution), SCM checkout `Retrying after 10 seconds`, pip
 * `WARNING: Retrying (Retry(total=4…`. The errors just before it are withdrawn: either a later
 * attempt succeeded, and they caused nothing, or the last attempt failed too, and its own errors,
 * which no retry follows, are the ones reported.
 */
const RETRYING = /^(?:\[?(?:WARNING|WARN|INFO)\]?:? )?Retrying\b/i;
/** `set -x` tracing, on by default in the `sh` step: the command about to run. */
const XTRACE = /^\++ \S/;

/** Maven's advice after a failure; `[ERROR]` alone is a blank line. */
const MAVEN_BOILERPLATE =
  /^\[ERROR\](?:$| (?:-> \[Help \d+\]|\[Help \d+\] |To see the full stack trace|Re-run Maven using|For more information about the errors|After correcting the problems|\s+mvn |COMPILATION ERROR :|Please refer to ))/;
/** npm's advice after a failure (npm ≤ 9 `npm ERR!`, npm 10 `npm error`). */
const NPM_BOILERPLATE =
  /^npm (?:ERR!|error)(?:$|\s+(?:A complete log of this run|This is probably not a problem with npm|Log files were not written|You can rerun the command|\S*[\\/]_logs[\\/]))/;
/** Gradle's advice and verdict after `What went wrong`. */
const GRADLE_ADVICE = /^(?:\* Try:$|> Run with --|> Get more help at |\* Get more help at |BUILD FAILED in )/;
/** A count of failures or errors; lines whose counts are all zero report success. */
const FAILURE_COUNT = /\b(?:failures?|errors?|failed):?\s*(\d+)|\b(\d+)\s+(?:failures?|errors?|failed)\b/gi;

/** Cheap test first: most lines name no failure at all. */
const FAILURE_WORD = /fail|error/i;

function reportsOnlyZeroFailures(text: string): boolean {
  if (!FAILURE_WORD.test(text)) return false;
  const counts = [...text.matchAll(FAILURE_COUNT)].map((match) => match[1] ?? match[2]);
  return counts.length > 0 && counts.every((count) => Number(count) === 0);
}

function isToolNoise(text: string): boolean {
  return (
    MAVEN_BOILERPLATE.test(text) ||
    NPM_BOILERPLATE.test(text) ||
    GRADLE_ADVICE.test(text) ||
    reportsOnlyZeroFailures(text)
  );
}

/**
 * How a line after an error's first line relates to it: one of its lines, a stack frame, part of
 * it but not worth quoting (a blank line), its last line, or not part of it.
 */
type Follow = "error" | "frame" | "skip" | "last" | "end";

interface Shape {
  kind: ErrorKind;
  opens: (text: string) => boolean;
  /** Without it, an error is its first line only. */
  follows?: (text: string) => Follow;
  /** Where the innermost frames of a trace are printed, and how many lines of them to keep. */
  frames?: { innermost: "first" | "last"; keep: number };
  /** Whether the shell command that ran last explains the error. */
  namesCommand?: boolean;
}

const matching = (pattern: RegExp) => (text: string) => pattern.test(text);

/** Continuation lines indented under a message, also under Maven's `[ERROR] ` tag. */
const INDENTED = /^(?:\[ERROR\] )?\s+\S/;
const indented = (text: string): Follow => (INDENTED.test(text) ? "error" : "end");

/** A Java exception's first line: `java.lang.IllegalStateException: …`, maybe as a thread's death. */
const JAVA_EXCEPTION =
  /^(?:Exception in thread "[^"]*" )?(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable)(?::\s|$)/;
const JAVA_CAUSE = /^\s*(?:Caused by|Suppressed): /;
const JAVA_FRAMES = { innermost: "first", keep: 3 } as const;

/** Throwable.printStackTrace: `\tat` frames, `\t... 12 more`, then each cause. */
function javaTrace(text: string): Follow {
  if (/^\s+at \S/.test(text)) return "frame";
  if (/^\s+\.\.\. \d+ (?:more|common frames omitted)$/.test(text)) return "skip";
  return JAVA_CAUSE.test(text) ? "error" : "end";
}

/** Surefire: a class's counts, then each failed test (`… <<< FAILURE!`) with its exception. */
const TEST_FAILED = /<<< (?:FAILURE|ERROR)!$/;
const testCaseTrace = (text: string): Follow =>
  TEST_FAILED.test(text) || JAVA_EXCEPTION.test(text) ? "error" : javaTrace(text);

const SUREFIRE_RESULTS = /^\[ERROR\] (?:Failures|Errors):$|^(?:Failed tests|Tests in error):/;
/** Gradle's `FooTest > shouldBar() FAILED`; the end is tested first, as the pattern backtracks. */
const GRADLE_TEST_FAILED = /^\S.* > .+ FAILED$/;

/** Surefire's and Ant's `Tests run: 5, Failures: 1, Errors: 0`, when something failed. */
function countsFailedTests(text: string): boolean {
  const counts = /Tests run: \d+, Failures: (\d+), Errors: (\d+)/.exec(text);
  return counts !== null && (Number(counts[1]) > 0 || Number(counts[2]) > 0);
}

/** Maven's summary of a failed goal, which repeats the compiler's or the tests' messages. */
function mavenGoal(text: string): Follow {
  if (text.startsWith("[ERROR] -> [Help")) return "end";
  if (MAVEN_BOILERPLATE.test(text)) return "skip";
  return text.startsWith("[ERROR] ") ? "error" : "end";
}

/** Gradle's `What went wrong` section, up to its advice (`* Try:`). */
function gradleFailure(text: string): Follow {
  if (GRADLE_ADVICE.test(text)) return "end";
  if (text === "" || /^(?:\* What went wrong:|={5,}|-{5,}|\d+: Task failed with an exception\.)$/.test(text))
    return "skip";
  return "error";
}

/** tsc's pretty output: the message, a blank line, the source line (`3 const x…`) and `~~~` under it. */
function tscMessage(text: string): Follow {
  if (text === "") return "skip";
  return /^\d+\s|^\s*~+$/.test(text) || INDENTED.test(text) ? "error" : "end";
}

function npmMessage(text: string): Follow {
  if (!/^npm (?:ERR!|error)(?:\s|$)/.test(text)) return "end";
  return NPM_BOILERPLATE.test(text) ? "skip" : "error";
}

/** ESLint's `stylish` report: per file its path, then `  12:7  error  message  rule` lines, then `✖ N problems`. */
const ESLINT_MESSAGE = /^\s+\d+:\d+\s+(?:error|warning)\s+\S/;
function eslintReport(text: string): Follow {
  if (ESLINT_MESSAGE.test(text)) return "error";
  if (text === "") return "skip";
  if (/^\u2716 \d+ problems? \(/.test(text)) return "last";
  return /^\/?\S+\.(?:[cm]?[jt]sx?|vue|svelte)$/.test(text) ? "error" : "end";
}

/** pytest's `E   ` lines, a blank line, then where it failed (`tests/test_x.py:6: AssertionError`). */
function pytestAssertion(text: string): Follow {
  if (/^E(?:\s|$)/.test(text)) return "error";
  if (text === "") return "skip";
  return /^\S+\.py:\d+: \S/.test(text) ? "last" : "end";
}

/** Indented frames (`  File "x.py", line 3, in f` and its source), then the exception at the margin. */
function pythonTraceback(text: string): Follow {
  if (text === "") return "skip";
  return /^\s/.test(text) ? "frame" : "last";
}

/** The shapes in the order they are tried: specific ones before the generic `ERROR:`. */
const SHAPES: readonly Shape[] = [
  { kind: "maven", opens: matching(/^\[ERROR\] Failed to execute goal /), follows: mavenGoal },
  // javac (`Foo.java:12: error: …`), and as Maven's compiler plugin reports it (`Foo.java:[12,5] …`).
  {
    kind: "javac",
    opens: matching(/^(?:\[ERROR\] )?\S+\.java:(?:\d+: error: |\[\d+,\d+\] )/),
    follows: indented,
  },
  {
    kind: "typescript",
    opens: matching(/^\S+\.[cm]?tsx?(?:\(\d+,\d+\): |:\d+:\d+ - )error TS\d+: /),
    follows: tscMessage,
  },
  { kind: "go", opens: matching(/^\S+\.go:\d+:\d+: \S/), follows: indented },
  { kind: "eslint", opens: matching(/^\s+\d+:\d+\s+error\s+\S/), follows: eslintReport },
  { kind: "goTest", opens: matching(/^\s*--- FAIL: \S/), follows: indented },
  {
    kind: "gradle",
    opens: matching(
      /^FAILURE: Build (?:failed with an exception|completed with \d+ failures?)\.$|^\* What went wrong:$/,
    ),
    follows: gradleFailure,
  },
  { kind: "gradle", opens: matching(/^> Task \S+ FAILED$/) },
  { kind: "npm", opens: matching(/^npm (?:ERR!|error) \S/), follows: npmMessage },
  {
    kind: "yarn",
    opens: matching(/^error (?:Command failed with exit code \d+|An unexpected error occurred)/),
  },
  {
    kind: "pytest",
    // The short summary (`FAILED tests/x.py::test_y - …`), -v progress, and the final count line.
    opens: matching(
      /^(?:FAILED|ERROR) \S+\.py\b|^\S+\.py::\S+ (?:FAILED|ERROR)\b|^=+ .*\b[1-9]\d* (?:failed|errors?)\b.*=+$/,
    ),
  },
  { kind: "pytest", opens: matching(/^E {2,}\S/), follows: pytestAssertion },
  { kind: "junit", opens: countsFailedTests, follows: testCaseTrace, frames: JAVA_FRAMES },
  { kind: "junit", opens: matching(TEST_FAILED), follows: testCaseTrace, frames: JAVA_FRAMES },
  // Surefire's results (`[ERROR] Failures:` with indented tests; `Failed tests:` in 2.x), Gradle's.
  {
    kind: "junit",
    opens: (text) =>
      SUREFIRE_RESULTS.test(text) || (text.endsWith(" FAILED") && GRADLE_TEST_FAILED.test(text)),
    follows: indented,
  },
  { kind: "junit", opens: matching(/^\d+ tests? completed, \d+ failed/) },
  // The sh step's AbortException, and a freestyle job's shell step.
  {
    kind: "exitCode",
    opens: matching(/script returned exit code [1-9]|^Build step '.+' marked build as failure$/),
    namesCommand: true,
  },
  { kind: "make", opens: matching(/^g?make(?:\[\d+\])?: \*\*\* /), namesCommand: true },
  {
    kind: "javaException",
    opens: (text) => JAVA_EXCEPTION.test(text) || JAVA_CAUSE.test(text),
    follows: javaTrace,
    frames: JAVA_FRAMES,
  },
  {
    kind: "pythonTraceback",
    opens: (text) => text === "Traceback (most recent call last):",
    follows: pythonTraceback,
    frames: { innermost: "last", keep: 4 },
  },
  {
    kind: "generic",
    // `ERROR:`/`FATAL:` (Jenkins), `Error:` (Node), `error:`/`fatal:` (git, rustc), Maven's tag,
    // Go's panic, and gcc/clang's `file:line:col: error:`.
    opens: matching(
      /^(?:\[(?:ERROR|FATAL)\] \S|(?:ERROR|FATAL|Error|Fatal|error|fatal)(?:\[[\w-]+\])?: ?\S|panic: \S|\S+:\d+(?::\d+)?: (?:fatal )?error: )/,
    ),
  },
];

function decisive(line: LoggedLine): BlockLine {
  return { ...line, decisive: true };
}

function context(line: LoggedLine): BlockLine {
  return { ...line, decisive: false };
}

/** An error being read: its body (the lines that continue it), then context after it. */
class OpenBlock {
  private readonly lines: BlockLine[];
  private errorLines = 1;
  private bodyLines = 1;
  private framesInCause = 0;
  /** For traces printed innermost last: their latest frames, until the trace ends. */
  private readonly latestFrames: LoggedLine[] = [];
  private afterLines = 0;
  private inBody = true;

  constructor(
    private readonly shape: Shape,
    private readonly opener: LoggedLine,
    before: readonly LoggedLine[],
    private readonly command: LoggedLine | null,
  ) {
    this.lines = [...before.map(context), decisive(opener)];
  }

  /** Takes the next line of its branch if it continues the error. */
  continueWith(line: LoggedLine): boolean {
    if (!this.inBody) return false;
    const follow = this.bodyLines < BODY_LINES ? (this.shape.follows?.(line.text) ?? "end") : "end";
    if (follow === "end") {
      this.endBody();
      return false;
    }
    this.bodyLines++;
    if (follow === "frame") this.addFrame(line);
    else if (follow !== "skip") this.addError(line);
    if (follow === "last") this.endBody();
    return true;
  }

  /** Adds a line of context after the error; true once there are enough. */
  addContext(line: LoggedLine): boolean {
    this.lines.push(context(line));
    this.afterLines++;
    return this.afterLines >= CONTEXT_AFTER;
  }

  get retainedLines(): number {
    return this.lines.length + this.latestFrames.length + (this.command ? 1 : 0);
  }

  toBlock(branch: string | null): ErrorBlock {
    this.endBody();
    return {
      kind: this.shape.kind,
      lineNumber: this.opener.lineNumber,
      branch,
      lines: this.lines,
      command: this.command,
    };
  }

  private addError(line: LoggedLine): void {
    this.keepLatestFrames();
    this.framesInCause = 0;
    this.keep(line);
  }

  private addFrame(line: LoggedLine): void {
    const frames = this.shape.frames ?? JAVA_FRAMES;
    if (frames.innermost === "first") {
      if (this.framesInCause < frames.keep) this.keep(line);
      this.framesInCause++;
      return;
    }
    this.latestFrames.push(line);
    if (this.latestFrames.length > frames.keep) this.latestFrames.shift();
  }

  private keep(line: LoggedLine): void {
    if (this.errorLines >= ERROR_LINES) return;
    this.lines.push(decisive(line));
    this.errorLines++;
  }

  private keepLatestFrames(): void {
    for (const frame of this.latestFrames) this.keep(frame);
    this.latestFrames.length = 0;
  }

  private endBody(): void {
    this.keepLatestFrames();
    this.inBody = false;
  }
}

/** The first blocks by position, the last one after them, and how many fell between. */
class BlockKeeper {
  private readonly first: ErrorBlock[] = [];
  private last: ErrorBlock | null = null;
  omitted = 0;

  get size(): number {
    return this.first.length + (this.last ? 1 : 0) + this.omitted;
  }

  get blocks(): ErrorBlock[] {
    return this.last ? [...this.first, this.last] : [...this.first];
  }

  get retainedLines(): number {
    return this.blocks.reduce((sum, block) => sum + block.lines.length + (block.command ? 1 : 0), 0);
  }

  /** Branches hand their blocks over out of order: the first ones are kept sorted. */
  add(block: ErrorBlock): void {
    const later = this.first.findIndex((kept) => kept.lineNumber > block.lineNumber);
    this.first.splice(later < 0 ? this.first.length : later, 0, block);
    const overflow = this.first.length > FIRST_BLOCKS ? this.first.pop() : undefined;
    if (overflow) this.offerLast(overflow);
  }

  addAll(other: BlockKeeper): void {
    for (const block of other.blocks) this.add(block);
    this.omitted += other.omitted;
  }

  private offerLast(block: ErrorBlock): void {
    if (this.last === null) {
      this.last = block;
      return;
    }
    this.omitted++;
    if (block.lineNumber > this.last.lineNumber) this.last = block;
  }
}

interface Tally {
  kept: BlockKeeper;
  retried: number;
}

/**
 * One branch's lines (or the lines outside parallel branches): parallel branches interleave, so
 * each keeps its own context, open error, retry state and last traced command.
 */
class BranchScan {
  private recent: LoggedLine[] = [];
  private open: OpenBlock | null = null;
  /** Finished blocks that a retry announcement may still withdraw. */
  private held = new BlockKeeper();
  private linesSeen = 0;
  private heldAt = 0;
  /** Depth of pipeline `retry` steps: their attempts' errors are held until the step ends. */
  private retryDepth = 0;
  private command: LoggedLine | null = null;

  constructor(
    private readonly branch: string | null,
    private readonly tally: Tally,
  ) {}

  take(line: LoggedLine): void {
    this.linesSeen++;
    this.settle();
    if (JENKINS_LINE.test(line.text)) this.passJenkinsLine(line.text);
    else if (!this.open?.continueWith(line)) this.takeOutsideError(line);
  }

  /** Hands every block over to the tally: the log ended, or the branch is wound up. */
  finish(): void {
    this.finishOpen();
    this.commitHeld();
  }

  get retainedLines(): number {
    const command = this.command ? 1 : 0;
    return this.recent.length + command + (this.open?.retainedLines ?? 0) + this.held.retainedLines;
  }

  private takeOutsideError(line: LoggedLine): void {
    const { text } = line;
    if (RETRYING.test(text)) {
      this.withdrawHeld();
      return;
    }
    if (isToolNoise(text)) return;
    if (XTRACE.test(text)) {
      this.command = line;
    } else {
      const shape = SHAPES.find((candidate) => candidate.opens(text));
      if (shape) {
        this.openBlock(shape, line);
        return;
      }
    }
    this.addContext(line);
  }

  /** A step boundary: the error and its context end, and the traced command is no longer current. */
  private passJenkinsLine(text: string): void {
    this.finishOpen();
    this.command = null;
    if (text === PIPELINE_RETRY_START) {
      if (this.retryDepth === 0) this.commitHeld();
      this.retryDepth++;
    } else if (text === PIPELINE_RETRY_END && this.retryDepth > 0) {
      this.retryDepth--;
      if (this.retryDepth === 0) this.commitHeld();
    }
  }

  private openBlock(shape: Shape, line: LoggedLine): void {
    this.finishOpen();
    this.open = new OpenBlock(shape, line, this.recent, shape.namesCommand ? this.command : null);
    this.recent = [];
  }

  private addContext(line: LoggedLine): void {
    if (line.text === "") return;
    if (this.open) {
      if (this.open.addContext(line)) this.finishOpen();
      return;
    }
    this.recent.push(line);
    if (this.recent.length > CONTEXT_BEFORE) this.recent.shift();
  }

  private finishOpen(): void {
    if (!this.open) return;
    this.held.add(this.open.toBlock(this.branch));
    this.heldAt = this.linesSeen;
    this.open = null;
  }

  private withdrawHeld(): void {
    this.finishOpen();
    this.tally.retried += this.held.size;
    this.held = new BlockKeeper();
  }

  private commitHeld(): void {
    this.tally.kept.addAll(this.held);
    this.held = new BlockKeeper();
  }

  /** Outside a retry step, blocks that no retry announcement followed soon are final. */
  private settle(): void {
    if (this.retryDepth === 0 && this.held.size > 0 && this.linesSeen - this.heldAt > RETRY_WINDOW)
      this.commitHeld();
  }
}

function parseLine(raw: string, lineNumber: number): { branch: string | null; line: LoggedLine } {
  const text = cleanLine(raw).replace(TIMESTAMP, "").trimEnd();
  const prefix = BRANCH_PREFIX.exec(text);
  const branch = prefix?.[1] !== undefined && !NOT_A_BRANCH.test(prefix[1]) ? prefix[1] : null;
  const body = branch === null || !prefix ? text : text.slice(prefix[0].length);
  return { branch, line: { lineNumber, text: quoted(body) } };
}

function quoted(text: string): string {
  return text.length > QUOTED_CHARS ? `${text.slice(0, QUOTED_CHARS)}…` : text;
}

/**
 * Reads a log's lines in order, chunk by chunk as `JenkinsClient.scanLog` delivers them, and
 * keeps its error blocks. Memory stays bounded whatever the log's size: a few blocks of a few
 * lines, plus per active branch two lines of context and one error being read.
 */
export class ErrorFinder {
  private readonly tally: Tally = { kept: new BlockKeeper(), retried: 0 };
  /** In order of last activity, least recent first. */
  private readonly branches = new Map<string | null, BranchScan>();
  private scannedLines = 0;
  private scannedBytes = 0;
  private stoppedBy: ErrorScan["stoppedBy"] = null;
  private latest: { branch: string | null; scan: BranchScan } | null = null;

  constructor(private readonly budget: ScanBudget) {}

  /** Reads the log's next lines; false once the budget is spent, from the line that would exceed it. */
  consume(lines: readonly string[]): boolean {
    for (const [index, raw] of lines.entries()) {
      const bytes = Buffer.byteLength(raw) + 1;
      this.stoppedBy ??= this.budgetStop(bytes, index);
      if (this.stoppedBy) return false;
      this.scannedBytes += bytes;
      const { branch, line } = parseLine(raw, this.scannedLines++);
      this.branchScan(branch).take(line);
    }
    return this.stoppedBy === null;
  }

  /** The errors found in the lines read. Call it once reading is over. */
  finish(): ErrorScan {
    for (const scan of this.branches.values()) scan.finish();
    return {
      blocks: this.tally.kept.blocks,
      omittedBlocks: this.tally.kept.omitted,
      retriedBlocks: this.tally.retried,
      scannedLines: this.scannedLines,
      scannedBytes: this.scannedBytes,
      stoppedBy: this.stoppedBy,
    };
  }

  /** Lines held now: bounded whatever the log's size. */
  get retainedLines(): number {
    let lines = this.tally.kept.retainedLines;
    for (const scan of this.branches.values()) lines += scan.retainedLines;
    return lines;
  }

  /** Bytes are counted per line; the clock is read once per chunk and every DEADLINE_CHECK_LINES lines. */
  private budgetStop(bytes: number, index: number): ErrorScan["stoppedBy"] {
    if (this.scannedBytes + bytes > this.budget.maxBytes) return "maxBytes";
    if (index % DEADLINE_CHECK_LINES === 0 && Date.now() > this.budget.deadline) return "deadline";
    return null;
  }

  private branchScan(branch: string | null): BranchScan {
    // Consecutive lines mostly come from one branch: it is the most recent already.
    if (this.latest?.branch === branch) return this.latest.scan;
    const scan = this.branches.get(branch) ?? new BranchScan(branch, this.tally);
    this.latest = { branch, scan };
    this.branches.delete(branch);
    this.branches.set(branch, scan);
    if (this.branches.size > BRANCHES) this.windUpLeastRecentBranch();
    return scan;
  }

  private windUpLeastRecentBranch(): void {
    const [branch, scan] = this.branches.entries().next().value ?? [null, undefined];
    scan?.finish();
    this.branches.delete(branch);
  }
}

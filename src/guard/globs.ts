import { foldName } from "../jenkins/names.js";

/**
 * Job globs as policies write them: segments joined by "/", `*` and `?` within one segment, `**`
 * for any number of segments (none included). `team/**` is folder team and everything in it.
 * Names and patterns are compared folded as Jenkins compares item names (see names.ts).
 *
 * A glob is a small automaton over the characters of "/" + the folded full name, so that it can
 * both match one name and, run in step with others, answer whether any name at all lies inside a
 * folder that some globs match and others do not (what a listing must know under first-match rules).
 */
export class JobGlob {
  private readonly states: State[] = [{ edges: [], empty: [] }];
  private readonly accept: number;
  /** The characters the pattern names literally, folded. */
  readonly literals = new Set<string>();

  constructor(readonly pattern: string) {
    const trimmed = pattern.trim().replace(/^\/+|\/+$/g, "");
    if (trimmed === "") throw new Error(`job glob "${pattern}" is empty; use "**" for every job`);
    let cursor = 0;
    for (const segment of trimmed.split("/")) {
      if (segment === "") throw new Error(`job glob "${pattern}" has an empty segment ("//")`);
      if (segment === "**") cursor = this.anySegments(cursor);
      else if (segment.includes("**")) throw new Error(`job glob "${pattern}": "**" must be a whole segment`);
      else cursor = this.segment(cursor, foldName(segment));
    }
    this.accept = cursor;
  }

  matches(fullName: string): boolean {
    let current = this.start();
    for (const char of `/${foldName(fullName)}`) {
      current = this.step(current, char);
      if (current.size === 0) return false;
    }
    return this.accepts(current);
  }

  start(): ReadonlySet<number> {
    return this.closure([0]);
  }

  /** The states after reading `char`. */
  step(states: ReadonlySet<number>, char: string): ReadonlySet<number> {
    const next: number[] = [];
    for (const state of states) {
      for (const edge of this.states[state]?.edges ?? []) {
        if (edge.char === char || (edge.char === ANY_BUT_SLASH && char !== "/")) next.push(edge.to);
      }
    }
    return this.closure(next);
  }

  accepts(states: ReadonlySet<number>): boolean {
    return states.has(this.accept);
  }

  /** `**`: "/" and one or more characters, any number of times. */
  private anySegments(from: number): number {
    const slash = this.add();
    const inside = this.add();
    const after = this.add();
    this.edge(from, "/", slash);
    this.edge(slash, ANY_BUT_SLASH, inside);
    this.edge(inside, ANY_BUT_SLASH, inside);
    this.empty(inside, from);
    this.empty(from, after);
    return after;
  }

  private segment(from: number, segment: string): number {
    let cursor = this.add();
    this.edge(from, "/", cursor);
    for (const char of segment) {
      const next = this.add();
      if (char === "*") {
        this.empty(cursor, next);
        this.edge(next, ANY_BUT_SLASH, next);
      } else {
        if (char !== "?") this.literals.add(char);
        this.edge(cursor, char === "?" ? ANY_BUT_SLASH : char, next);
      }
      cursor = next;
    }
    return cursor;
  }

  private add(): number {
    this.states.push({ edges: [], empty: [] });
    return this.states.length - 1;
  }

  private edge(from: number, char: string, to: number): void {
    this.states[from]?.edges.push({ char, to });
  }

  private empty(from: number, to: number): void {
    this.states[from]?.empty.push(to);
  }

  private closure(states: readonly number[]): Set<number> {
    const reached = new Set(states);
    const pending = [...states];
    for (let state = pending.pop(); state !== undefined; state = pending.pop()) {
      for (const to of this.states[state]?.empty ?? []) {
        if (!reached.has(to)) {
          reached.add(to);
          pending.push(to);
        }
      }
    }
    return reached;
  }
}

interface State {
  edges: Array<{ char: string; to: number }>;
  /** Moves that read nothing. */
  empty: number[];
}

/** The label of an edge that reads any one character but "/" (`*` and `?`). */
const ANY_BUT_SLASH = "";
/** A search that would visit more combinations than this answers "no": a listing then hides. */
const MAX_VISITED = 20_000;

/**
 * Whether some name strictly inside `folder` matches one of `allowed` and none of `denied`. Every
 * character a pattern does not name behaves alike, so the search reads "/", the named characters
 * and one character none names: it explores every name there is, and ends because the globs together
 * have finitely many states.
 */
export function someNameInside(
  folder: string,
  allowed: readonly JobGlob[],
  denied: readonly JobGlob[],
): boolean {
  const globs = [...allowed, ...denied];
  const alphabet = new Set(["/"]);
  for (const glob of globs) for (const char of glob.literals) alphabet.add(char);
  // A character that no pattern names: only `*`, `?` and `**` read it.
  let fresh = 0xe000;
  while (alphabet.has(String.fromCharCode(fresh))) fresh++;
  alphabet.add(String.fromCharCode(fresh));
  let states = globs.map((glob) => glob.start());
  for (const char of `/${foldName(folder)}/`)
    states = globs.map((glob, index) => glob.step(states[index] ?? new Set(), char));
  const isAllowed = (sets: ReadonlyArray<ReadonlySet<number>>) =>
    allowed.some((glob, index) => glob.accepts(sets[index] ?? new Set())) &&
    !denied.some((glob, index) => glob.accepts(sets[allowed.length + index] ?? new Set()));
  const alive = (sets: ReadonlyArray<ReadonlySet<number>>) =>
    sets.slice(0, allowed.length).some((set) => set.size > 0);
  // Each entry: the globs' states, and whether the last character read was "/" (no name ends there).
  const pending: Array<{ sets: ReadonlyArray<ReadonlySet<number>>; afterSlash: boolean }> = [
    { sets: states, afterSlash: true },
  ];
  const seen = new Set<string>();
  while (pending.length > 0 && seen.size < MAX_VISITED) {
    const node = pending.pop();
    if (!node || !alive(node.sets)) continue;
    const key = `${node.afterSlash}|${node.sets.map((set) => [...set].sort((a, b) => a - b).join(",")).join("|")}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (!node.afterSlash && isAllowed(node.sets)) return true;
    for (const char of alphabet) {
      // Names have no empty segments: "/" never follows "/".
      if (char === "/" && node.afterSlash) continue;
      pending.push({
        sets: globs.map((glob, index) => glob.step(node.sets[index] ?? new Set(), char)),
        afterSlash: char === "/",
      });
    }
  }
  return false;
}

/**
 * A small re-implementation of Stapler's model export (org.kohsuke.stapler.export): objects are
 * "beans" made of named properties with a visibility, written as JSON with `tree=` (NamedPathPruner)
 * or `depth=` (TreePruner.ByDepth) pruning, `_class` written when the runtime class differs from the
 * declared one (ClassAttributeBehaviour.IF_NEEDED), and non-exportable list entries written as `{}`.
 */

/** A value Stapler cannot export (an Action without @ExportedBean): written as `{}` inside lists. */
export const OPAQUE = Symbol("opaque");

export type ExportValue =
  | null
  | string
  | number
  | boolean
  | Bean
  | LazyList
  | typeof OPAQUE
  | readonly ExportValue[];

export interface Prop {
  readonly name: string;
  readonly visibility: number;
  /** Stapler's `inline`: the value is pruned at the same depth as its owner. */
  readonly inline: boolean;
  /** Class name of the declared type when it is concrete; `_class` is omitted for values of that class. */
  readonly declared: string | undefined;
  readonly get: () => ExportValue;
}

export class Bean {
  constructor(
    readonly className: string,
    readonly props: readonly Prop[],
  ) {}
}

/** A list whose entries are only built when written (e.g. the 10,000 jobs of a folder, cut by a range). */
export class LazyList {
  constructor(
    readonly length: number,
    readonly at: (index: number) => ExportValue,
  ) {}
}

export interface PropOptions {
  inline?: boolean;
  declared?: string;
}

export function prop(
  name: string,
  visibility: number,
  get: () => ExportValue,
  options: PropOptions = {},
): Prop {
  return { name, visibility, get, inline: options.inline ?? false, declared: options.declared };
}

/**
 * Properties of a class hierarchy, superclass first. Like Stapler's Model, each level is sorted by name
 * and a subclass property hides the superclass property of the same name.
 */
export function levels(...hierarchy: readonly (readonly Prop[])[]): Prop[] {
  const result: Prop[] = [];
  hierarchy.forEach((level, index) => {
    const hiddenBelow = new Set(hierarchy.slice(index + 1).flatMap((sub) => sub.map((p) => p.name)));
    const visible = level.filter((p) => !hiddenBelow.has(p.name));
    result.push(...[...visible].sort((a, b) => compareJava(a.name, b.name)));
  });
  return result;
}

/** String.compareTo: UTF-16 code units, as Java orders strings. */
export function compareJava(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

interface Range {
  readonly min: number;
  readonly max: number;
}

const ALL: Range = { min: 0, max: Number.MAX_SAFE_INTEGER };

interface Pruner {
  accept(p: Prop): Pruner | null;
  readonly range: Range;
}

class ByDepth implements Pruner {
  readonly range = ALL;
  private nextPruner: ByDepth | undefined;

  constructor(private readonly n: number) {}

  accept(p: Prop): Pruner | null {
    if (p.visibility < this.n) return null;
    if (p.inline) return this;
    this.nextPruner ??= new ByDepth(this.n + 1);
    return this.nextPruner;
  }
}

export interface TreeSpec {
  readonly children: Map<string, TreeSpec>;
  range: Range;
}

class NamedPath implements Pruner {
  constructor(private readonly tree: TreeSpec) {}

  get range(): Range {
    return this.tree.range;
  }

  accept(p: Prop): Pruner | null {
    const sub = this.tree.children.get(p.name) ?? this.tree.children.get("*");
    return sub ? new NamedPath(sub) : null;
  }
}

/** Thrown for a malformed `tree` (Stapler: IllegalArgumentException, answered as a 500). */
export class TreeSyntaxError extends Error {}

const TOKENS = new Set([",", "[", "]", "{", "}"]);

/** Recursive-descent parser equivalent to NamedPathPruner.parse. */
export function parseTree(spec: string): TreeSpec {
  let pos = 0;
  const peek = (): string => {
    if (pos >= spec.length) return "EOF";
    const ch = spec.charAt(pos);
    if (TOKENS.has(ch)) return ch;
    let end = pos;
    while (end < spec.length && !TOKENS.has(spec.charAt(end))) end++;
    return `name:${spec.slice(pos, end)}`;
  };
  const advance = (token: string): void => {
    pos += token.startsWith("name:") ? token.length - 5 : 1;
  };
  const accept = (token: string): boolean => {
    if (peek() !== token) return false;
    advance(token);
    return true;
  };
  const expect = (token: string): void => {
    if (!accept(token)) throw new TreeSyntaxError(`expected ${token} at ${pos}`);
  };
  const expectNumber = (): number => {
    const token = peek();
    if (!/^name:[0-9]+$/.test(token)) throw new TreeSyntaxError(`expected number at ${pos}`);
    advance(token);
    return Number.parseInt(token.slice(5), 10);
  };
  const parseRange = (): Range => {
    if (accept(",")) return { min: 0, max: expectNumber() };
    const min = expectNumber();
    if (peek() === "}") return { min, max: min + 1 };
    expect(",");
    if (peek() === "}") return { min, max: ALL.max };
    return { min, max: expectNumber() };
  };
  const node = (tree: TreeSpec): void => {
    const token = peek();
    if (!token.startsWith("name:")) throw new TreeSyntaxError(`expected name at ${pos}`);
    advance(token);
    const subtree: TreeSpec = { children: new Map(), range: ALL };
    tree.children.set(token.slice(5), subtree);
    if (accept("[")) {
      list(subtree);
      expect("]");
    }
    if (accept("{")) {
      subtree.range = parseRange();
      expect("}");
    }
  };
  const list = (tree: TreeSpec): void => {
    node(tree);
    if (accept(",")) list(tree);
  };
  const root: TreeSpec = { children: new Map(), range: ALL };
  list(root);
  expect("EOF");
  return root;
}

export type Selection = { tree: TreeSpec } | { depth: number };

/** Serializes a bean as Stapler's JSON flavour would. */
export function exportJson(bean: Bean, selection: Selection): string {
  const pruner = "tree" in selection ? new NamedPath(selection.tree) : new ByDepth(1 - selection.depth);
  const out: string[] = [];
  writeBean(bean, pruner, undefined, out);
  return out.join("");
}

function writeBean(bean: Bean, pruner: Pruner, declared: string | undefined, out: string[]): void {
  out.push("{");
  let first = true;
  const field = (name: string): void => {
    out.push(first ? "" : ",", JSON.stringify(name), ":");
    first = false;
  };
  if (bean.className !== declared) {
    field("_class");
    out.push(JSON.stringify(bean.className));
  }
  for (const p of bean.props) {
    const child = pruner.accept(p);
    if (!child) continue;
    field(p.name);
    writeValue(p.get(), child, p.declared, out);
  }
  out.push("}");
}

function writeValue(value: ExportValue, pruner: Pruner, declared: string | undefined, out: string[]): void {
  if (value === null) {
    out.push("null");
  } else if (value instanceof Bean) {
    writeBean(value, pruner, declared, out);
  } else if (value === OPAQUE) {
    out.push("{}");
  } else if (value instanceof LazyList || Array.isArray(value)) {
    const list = value instanceof LazyList ? value : new LazyList(value.length, (i) => value[i] ?? null);
    // Range.apply: at most `max` entries, then skip `min` of them.
    const end = Math.min(pruner.range.max, list.length);
    out.push("[");
    for (let i = pruner.range.min; i < end; i++) {
      if (i > pruner.range.min) out.push(",");
      writeValue(list.at(i), pruner, declared, out);
    }
    out.push("]");
  } else {
    out.push(JSON.stringify(value));
  }
}

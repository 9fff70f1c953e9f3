import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareIgnoreCase } from "../../simulator/java-strings.js";
import { JobGlob, someNameInside } from "../../src/guard/globs.js";
import { type Action, parsePolicy } from "../../src/guard/policy.js";
import { foldName } from "../../src/jenkins/names.js";

describe("item names as Jenkins compares them", () => {
  it.each([
    ["OPS", "ops", true],
    ["ſecret", "SECRET", true],
    ["ıd", "ID", true],
    ["İd", "id", true],
    ["\u212Aey", "key", true],
    ["µs", "μs", true],
    ["ΣΑΣ", "σας", true],
    ["\u1F80", "\u1F88", true],
    ["straße", "STRASSE", false],
    ["feature%2Flogin", "FEATURE%2flogin", true],
    ["a", "b", false],
  ])("%s and %s are one item: %s", (a, b, same) => {
    expect(foldName(a) === foldName(b)).toBe(same);
    // The simulator's literal port of String.compareToIgnoreCase agrees.
    expect(compareIgnoreCase(a, b) === 0).toBe(same);
  });

  it("folds every char to one Java's compareToIgnoreCase finds equal to it", () => {
    for (let code = 0; code <= 0xffff; code++) {
      const char = String.fromCharCode(code);
      expect(foldName(char)).toHaveLength(1);
      if (compareIgnoreCase(char, foldName(char)) !== 0) expect.fail(`U+${code.toString(16)} folds apart`);
    }
  });

  it("folds two names together exactly when Java finds them equal", () => {
    const letters = fc.constantFrom(..."aAsSſiIıİkK\u212Aσςß-%2fF");
    const name = fc.string({ unit: letters, minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(name, name, (a, b) => {
        expect(foldName(a) === foldName(b)).toBe(compareIgnoreCase(a, b) === 0);
      }),
      { numRuns: 2000 },
    );
  });
});

/**
 * The glob rules written out as a regular expression per segment: the reference to hold JobGlob to.
 * Case is ignored as Unicode regular expressions ignore it, which for the chars of these names and
 * globs (ſ included) is how Java compares item names.
 */
function referenceMatch(pattern: string, fullName: string): boolean {
  const globSegments = pattern.split("/");
  const nameSegments = fullName.split("/");
  const segment = (glob: string) =>
    new RegExp(
      `^${glob
        .replace(/[.+^${}()|[\]\\]/g, "\\$&")
        .replace(/\*/g, ".*")
        .replace(/\?/g, ".")}$`,
      "sui",
    );
  const match = (g: number, n: number): boolean => {
    if (g === globSegments.length) return n === nameSegments.length;
    if (globSegments[g] === "**") return match(g + 1, n) || (n < nameSegments.length && match(g, n + 1));
    return (
      n < nameSegments.length &&
      segment(globSegments[g] ?? "").test(nameSegments[n] ?? "") &&
      match(g + 1, n + 1)
    );
  };
  return match(0, 0);
}

const nameChar = fc.constantFrom(..."abAB.-ſ");
const nameSegment = fc.string({ unit: nameChar, minLength: 1, maxLength: 3 });
const fullName = fc.array(nameSegment, { minLength: 1, maxLength: 4 }).map((segments) => segments.join("/"));
const globSegment = fc.oneof(
  fc
    .string({ unit: fc.constantFrom(..."abAB.*?"), minLength: 1, maxLength: 3 })
    .filter((s) => !s.includes("**")),
  fc.constant("**"),
);
const glob = fc.array(globSegment, { minLength: 1, maxLength: 3 }).map((segments) => segments.join("/"));

describe("job globs", () => {
  it.each([
    ["team/**", "team/api", true],
    ["team/**", "team/backend/api", true],
    ["team/**", "team", true],
    ["team/**", "other/api", false],
    ["*/deploy-*", "team/deploy-prod", true],
    ["*/deploy-*", "team/backend/deploy-prod", false],
    ["**/deploy-prod", "a/b/c/deploy-prod", true],
    ["hello", "hello", true],
    ["hel?o", "hello", true],
    ["a.b", "axb", false],
    ["OPS/**", "ops/deploy", true],
    ["ops/**", "OPS/Deploy", true],
    ["mb/feature%2Flogin", "MB/feature%2flogin", true],
    ["secret*", "ſECRET-keys", true],
  ])("%s matches %s: %s", (pattern, name, expected) => {
    expect(new JobGlob(pattern).matches(name)).toBe(expected);
  });

  it("matches exactly as the glob rules say, for any glob and name", () => {
    fc.assert(
      fc.property(glob, fullName, (pattern, name) => {
        expect(new JobGlob(pattern).matches(name)).toBe(referenceMatch(pattern, name));
      }),
      { numRuns: 3000 },
    );
  });

  it("treats ** as any number of segments, for any name", () => {
    const segment = fc.stringMatching(/^[a-z0-9-]{1,8}$/);
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 5 }), (segments) => {
        const name = segments.join("/");
        expect(new JobGlob("**").matches(name)).toBe(true);
        expect(new JobGlob(`${segments[0]}/**`).matches(name)).toBe(true);
        expect(new JobGlob(name).matches(name)).toBe(true);
      }),
    );
  });
});

/** Every name inside `folder`, one or two segments deeper, each segment 1 to 3 chars of `alphabet`. */
function* namesInside(folder: string, alphabet: string): Generator<string> {
  const segments = [...alphabet].flatMap((a) => [
    a,
    ...[...alphabet].flatMap((b) => [a + b, ...[...alphabet].map((c) => a + b + c)]),
  ]);
  for (const first of segments) yield `${folder}/${first}`;
  for (const first of segments) for (const second of segments) yield `${folder}/${first}/${second}`;
}

/** Globs small enough that a witness, when there is one, is among namesInside's names. */
const smallGlob = fc
  .array(
    fc.oneof(
      fc
        .string({ unit: fc.constantFrom(..."ab.*?"), minLength: 1, maxLength: 2 })
        .filter((s) => !s.includes("**")),
      fc.constant("**"),
    ),
    { minLength: 1, maxLength: 2 },
  )
  .map((segments) => segments.join("/"));

describe("whether a folder holds a name that some globs allow and others do not", () => {
  it.each([
    ["ops", ["**"], ["ops/**"], false],
    ["ops", ["**"], ["ops/*"], true],
    ["team", ["team/**"], ["team/*", "team/*/*"], true],
    ["team", ["team/*"], ["team/*"], false],
    ["team", ["team/a*"], ["team/a?*"], true],
    ["team", ["team/a*"], ["team/a", "team/a?", "team/a??*"], false],
    ["TEAM", ["team/x"], [], true],
    ["other", ["team/**"], [], false],
  ])("inside %s, allowed %j, denied %j: %s", (folder, allowed, denied, expected) => {
    const globs = (patterns: string[]) => patterns.map((pattern) => new JobGlob(pattern));
    expect(someNameInside(folder, globs(allowed), globs(denied))).toBe(expected);
  });

  it("agrees with trying every short name, for any small globs", () => {
    const folder = fc.constantFrom("a", "b", "x");
    fc.assert(
      fc.property(
        folder,
        fc.array(smallGlob, { minLength: 1, maxLength: 2 }),
        fc.array(smallGlob, { maxLength: 3 }),
        (parent, allowed, denied) => {
          const allow = allowed.map((pattern) => new JobGlob(pattern));
          const deny = denied.map((pattern) => new JobGlob(pattern));
          let witnessed = false;
          for (const name of namesInside(parent, "ab.x")) {
            if (allow.some((g) => g.matches(name)) && !deny.some((g) => g.matches(name))) {
              witnessed = true;
              break;
            }
          }
          expect(someNameInside(parent, allow, deny)).toBe(witnessed);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("one decision for every spelling of an item", () => {
  /** Every char replaced by one Jenkins finds equal to it, and branch escapes in any hex case. */
  const spellingOf = (name: string) =>
    fc.array(fc.nat(), { minLength: name.length, maxLength: name.length }).map((picks) =>
      Array.from(name, (char, index) => {
        const same = [...VARIANTS].filter((variant) => compareIgnoreCase(variant, char) === 0);
        const options = same.length > 0 ? same : [char, char.toUpperCase(), char.toLowerCase()];
        return options[(picks[index] ?? 0) % options.length];
      }).join(""),
    );
  const VARIANTS = "sSſiIıİkK\u212AfF2%";
  const canonical = fc
    .array(fc.string({ unit: fc.constantFrom(..."sikfa-%2F"), minLength: 1, maxLength: 5 }), {
      minLength: 1,
      maxLength: 3,
    })
    .map((segments) => segments.join("/"));
  const rule = fc.record({
    jobs: fc.array(
      fc
        .array(
          fc.oneof(
            fc.constant("**"),
            fc
              .string({ unit: fc.constantFrom(..."sSikKfF%2*?"), minLength: 1, maxLength: 4 })
              .filter((s) => !s.includes("**")),
          ),
          { minLength: 1, maxLength: 3 },
        )
        .map((s) => s.join("/")),
      { minLength: 1, maxLength: 2 },
    ),
    allow: fc.subarray(["read", "trigger", "cancel", "create"] as Action[]),
    deny: fc.subarray(["read", "trigger", "cancel", "create"] as Action[]),
  });

  it("decides on any case or Unicode variant as on the name Jenkins spells", () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 4 }),
        canonical.chain((name) => fc.tuple(fc.constant(name), spellingOf(name))),
        fc.constantFrom<Action>("read", "trigger", "cancel", "create"),
        (rules, [name, variant], action) => {
          const policy = parsePolicy(
            JSON.stringify({ rules: rules.map((r, index) => ({ name: `r${index}`, clients: ["*"], ...r })) }),
          );
          const { allowed, rule: decidedBy } = policy.decide("c", action, name);
          expect(policy.decide("c", action, variant)).toMatchObject({ allowed, rule: decidedBy });
          expect(policy.mayList("c", variant, true)).toBe(policy.mayList("c", name, true));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

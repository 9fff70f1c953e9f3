import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../../src/jenkins/errors.js";
import {
  branchCandidates,
  formatJobPath,
  jobPathFromUrl,
  jobUrlPath,
  parseJobPath,
} from "../../src/jenkins/paths.js";

const BASE = "https://ci.example.com/jenkins/";

/** Item names as Jenkins allows them, plus branch names that multibranch already encoded. */
const segment = fc
  .string({ unit: "grapheme", minLength: 1, maxLength: 12 })
  .filter(
    (name) => name.trim() !== "" && !/[/\u0000-\u001f\u007f]/.test(name) && name !== "." && name !== "..",
  )
  .map((name) => name.trim())
  .filter((name) => name !== "" && name !== "." && name !== "..");
const branchSegment = fc
  .array(segment, { minLength: 2, maxLength: 3 })
  .map((parts) => parts.map((part) => part.replace(/%/g, "%25")).join("%2F"));
const jobPath = fc.array(fc.oneof(segment, branchSegment), { minLength: 1, maxLength: 5 });

describe("job paths", () => {
  it("maps folders to nested /job/ segments, each encoded", () => {
    expect(jobUrlPath(parseJobPath("team/backend/api"))).toBe("job/team/job/backend/job/api/");
    expect(jobUrlPath(parseJobPath("mb/feature%2Flogin"))).toBe("job/mb/job/feature%252Flogin/");
    expect(jobUrlPath(parseJobPath("my job/ünï"))).toBe("job/my%20job/job/%C3%BCn%C3%AF/");
  });

  it("round-trips any full name through its URL", () => {
    fc.assert(
      fc.property(jobPath, (segments) => {
        const fullName = formatJobPath(segments);
        const url = new URL(jobUrlPath(parseJobPath(fullName)), BASE).href;
        expect(jobPathFromUrl(url, BASE)).toEqual(segments);
        expect(formatJobPath(jobPathFromUrl(url, BASE) ?? [])).toBe(fullName);
      }),
    );
  });

  it.each(["", "  ", "a//b", "../admin", "team/../x", "team/./x", ".", "a/\u0000b", "a\nb"])(
    "refuses %j before any request",
    (name) => {
      expect(() => parseJobPath(name)).toThrowError(InvalidInputError);
    },
  );

  it("refuses any path containing a dot segment or a control character", () => {
    fc.assert(
      fc.property(
        fc.array(segment, { maxLength: 3 }),
        fc.constantFrom("..", ".", "a\u0007b", "x\u007f"),
        fc.array(segment, { maxLength: 3 }),
        (before, bad, after) => {
          expect(() => parseJobPath([...before, bad, ...after].join("/"))).toThrowError(InvalidInputError);
        },
      ),
    );
  });

  it("tolerates one leading or trailing slash", () => {
    expect(parseJobPath("/team/api/")).toEqual(["team", "api"]);
  });

  it("reads job URLs back, and nothing else", () => {
    expect(jobPathFromUrl("https://ci.example.com/jenkins/job/a/job/b/", BASE)).toEqual(["a", "b"]);
    expect(jobPathFromUrl("/jenkins/job/a/42/", BASE)).toEqual(["a"]);
    // Jenkins' configured root URL often differs from the address used (proxy, internal name).
    expect(jobPathFromUrl("http://jenkins.internal:8080/jenkins/job/a/job/b/", BASE)).toEqual(["a", "b"]);
    expect(jobPathFromUrl("http://localhost:8080/job/a/", BASE)).toEqual(["a"]);
    expect(jobPathFromUrl("https://ci.example.com/jenkins/view/all/", BASE)).toBeUndefined();
  });

  it("reads a job URL whose root path our base URL lacks (a proxy maps / to /jenkins/)", () => {
    const root = "https://ci.example.com/";
    expect(jobPathFromUrl("https://ci.example.com/jenkins/job/dev/job/testgene/", root)).toEqual([
      "dev",
      "testgene",
    ]);
    expect(jobPathFromUrl("http://jenkins.internal/jenkins/job/dev/job/testgene/7/", root)).toEqual([
      "dev",
      "testgene",
    ]);
    expect(jobPathFromUrl("https://ci.example.com/job/dev/", root)).toEqual(["dev"]);
  });

  it("offers the multibranch spellings of a decoded branch name, longest parent first", () => {
    expect(branchCandidates(["mb", "feature", "login"])).toEqual([
      { parent: ["mb"], branch: "feature%2Flogin" },
    ]);
    expect(branchCandidates(["org", "repo", "a", "b"])).toEqual([
      { parent: ["org", "repo"], branch: "a%2Fb" },
      { parent: ["org"], branch: "repo%2Fa%2Fb" },
    ]);
    expect(branchCandidates(["a", "b"])).toEqual([]);
  });
});

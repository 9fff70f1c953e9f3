import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cleanLine, LineSplitter, MAX_LINE_CHARS } from "../../src/jenkins/lines.js";

function split(chunks: Buffer[]) {
  const splitter = new LineSplitter();
  const lines = chunks.flatMap((chunk) => splitter.push(chunk));
  const last = splitter.finish();
  return last ? [...lines, last] : lines;
}

describe("LineSplitter", () => {
  it("turns CRLF back into LF and counts the file's bytes (LF, not CRLF)", () => {
    const lines = split([Buffer.from("one\r\ntwo\r\nthr"), Buffer.from("ee")]);
    expect(lines.map((line) => line.text)).toEqual(["one", "two", "three"]);
    expect(lines.map((line) => line.fileBytes)).toEqual([4, 4, 5]);
  });

  it("splits the same way whatever the chunk boundaries", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: "grapheme", maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, "")),
          {
            maxLength: 20,
          },
        ),
        fc.array(fc.nat(), { maxLength: 10 }),
        (lines, cuts) => {
          const body = Buffer.from(lines.map((line) => `${line}\r\n`).join(""));
          const points = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...points, body.length]
            .slice(1)
            .map((end, index, ends) => body.subarray(index === 0 ? 0 : (ends[index - 1] ?? 0), end));
          const got = split(chunks);
          expect(got.map((line) => line.text)).toEqual(lines);
          const fileBytes = got.reduce((sum, line) => sum + line.fileBytes, 0);
          expect(fileBytes).toBe(Buffer.byteLength(lines.map((line) => `${line}\n`).join("")));
        },
      ),
    );
  });

  it("cuts very long lines in constant memory and says how much was cut", () => {
    const splitter = new LineSplitter();
    const chunk = Buffer.alloc(1024 * 1024, "x");
    for (let index = 0; index < 20; index++) expect(splitter.push(chunk)).toEqual([]);
    const [line] = splitter.push(Buffer.from("\n"));
    expect(line?.text.length).toBeLessThan(MAX_LINE_CHARS + 60);
    expect(line?.text).toMatch(/… \[line cut, \d+ more bytes\]$/);
    expect(line?.fileBytes).toBe(20 * 1024 * 1024 + 1);
  });

  it("cuts a long line before a word the cut would split, so no credential is kept in part", () => {
    const token = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
    const words = "deploy ".repeat(284); // 1,988 characters: the token starts 12 before the cut
    const [line] = new LineSplitter().push(Buffer.from(`${words}${token} done\n`));
    expect(line?.text).toBe(`${words.trimEnd()} … [line cut, ${token.length + 6} more bytes]`);
    // A run without spaces is cut where it stands.
    const [blob] = new LineSplitter().push(Buffer.from(`${"deploy ".repeat(10)}${"z".repeat(3000)}\n`));
    expect(
      blob?.text.startsWith(`${"deploy ".repeat(10)}${"z".repeat(MAX_LINE_CHARS - 70)} … [line cut,`),
    ).toBe(true);
  });

  it("removes ANSI colours and Jenkins console notes", () => {
    expect(cleanLine("\u001b[8mha:////4AAAAWB+LCAAAAA==\u001b[0m[Pipeline] sh")).toBe("[Pipeline] sh");
    expect(cleanLine("\u001b[31mERROR\u001b[0m: boom \u001b[1;32mok\u001b[m")).toBe("ERROR: boom ok");
  });
});

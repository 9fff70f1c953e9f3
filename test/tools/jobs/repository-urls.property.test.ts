import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { repositoryKey } from "../../../src/tools/jobs/repository-urls.js";

/** Every way people write a repository's address comes to one key; different repositories never share one. */
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/);
const host = fc
  .tuple(label, fc.constantFrom("com", "org", "io", "example"))
  .map(([name, tld]) => `${name}.${tld}`);
const segment = fc
  .stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,12}$/)
  .filter((s) => !s.endsWith(".git") && !s.endsWith("."));
/** The owner starts with a letter: in `ssh://git@host:123/repo` git reads 123 as a port, and so do we. */
const owner = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,12}$/);
const repository = fc.record({
  host,
  path: fc
    .tuple(owner, fc.array(segment, { minLength: 1, maxLength: 2 }))
    .map(([first, rest]) => [first, ...rest]),
});

type Repository = { host: string; path: string[] };

function spellings({ host, path }: Repository): string[] {
  const joined = path.join("/");
  const upperHost = host.toUpperCase();
  return [
    `https://${host}/${joined}`,
    `https://${host}/${joined}.git`,
    `https://${upperHost}/${joined}/`,
    `http://user:t0ken@${host}/${joined}.git`,
    `git@${host}:${joined}.git`,
    `git@${upperHost}:${joined}`,
    `ssh://git@${host}/${joined}.git`,
    `ssh://git@${host}:22/${joined}/`,
    `ssh://git@${host}:${joined}.git`,
    `git://${host}/${joined}`,
    `${host}/${joined}`,
    `  ${host}/${joined}.git/  `,
  ];
}

describe("repositoryKey", () => {
  it("gives every spelling of a repository the same key", () => {
    fc.assert(
      fc.property(repository, (repo) => {
        const keys = new Set(spellings(repo).map(repositoryKey));
        expect([...keys]).toEqual([`${repo.host}/${repo.path.join("/").toLowerCase()}`]);
      }),
    );
  });

  it("tells different repositories apart, whatever their spelling", () => {
    fc.assert(
      fc.property(repository, repository, fc.nat(11), fc.nat(11), (a, b, i, j) => {
        fc.pre(
          `${a.host}/${a.path.join("/")}`.toLowerCase() !== `${b.host}/${b.path.join("/")}`.toLowerCase(),
        );
        expect(repositoryKey(spellings(a)[i] ?? "")).not.toBe(repositoryKey(spellings(b)[j] ?? ""));
      }),
    );
  });

  it.each(["", "   ", "acme", "https://", "git@host:", "/just/a/path"])("has no key for %j", (text) => {
    expect(repositoryKey(text)).toBeNull();
  });
});

/**
 * Job globs as policies write them: segments joined by "/", `*` and `?` within one segment,
 * `**` for any number of segments (none included). `team/**` is every job in folder team.
 */
export type JobGlob = ReadonlyArray<RegExp | "**">;

export function parseGlob(pattern: string): JobGlob {
  const trimmed = pattern.trim().replace(/^\/+|\/+$/g, "");
  if (trimmed === "") throw new Error(`job glob "${pattern}" is empty; use "**" for every job`);
  return trimmed.split("/").map((segment) => {
    if (segment === "**") return "**";
    if (segment === "") throw new Error(`job glob "${pattern}" has an empty segment ("//")`);
    if (segment.includes("**")) throw new Error(`job glob "${pattern}": "**" must be a whole segment`);
    const source = segment
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")
      .replace(/\?/g, ".");
    return new RegExp(`^${source}$`, "u");
  });
}

export function globMatches(glob: JobGlob, fullName: string): boolean {
  return matchFrom(glob, 0, fullName.split("/"), 0, false);
}

/** Whether a job inside folder `fullName` could match: the folder matches a prefix of the glob. */
export function mayContainMatches(glob: JobGlob, fullName: string): boolean {
  return matchFrom(glob, 0, fullName.split("/"), 0, true);
}

function matchFrom(glob: JobGlob, g: number, name: string[], n: number, prefix: boolean): boolean {
  if (n === name.length) return prefix ? g < glob.length : glob.slice(g).every((part) => part === "**");
  const part = glob[g];
  if (part === undefined) return false;
  if (part === "**")
    return matchFrom(glob, g + 1, name, n, prefix) || matchFrom(glob, g, name, n + 1, prefix);
  return part.test(name[n] ?? "") && matchFrom(glob, g + 1, name, n + 1, prefix);
}

/**
 * One comparable form of a repository's address, whatever way it is written: `https://github.com/
 * acme/api.git`, `git@github.com:acme/api.git`, `ssh://git@GitHub.com:22/acme/api/` and
 * `github.com/acme/api` are all `github.com/acme/api`. The scheme, a user (and token), the port, a
 * trailing `.git` and slashes go; the host and the path are compared without case (GitHub, GitLab
 * and Bitbucket answer any case of a repository's name).
 */
export function repositoryKey(address: string): string | null {
  const trimmed = address.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/i.exec(trimmed);
  if (withScheme) {
    try {
      const url = new URL(trimmed);
      if (url.hostname) return keyOf(url.hostname, decodeURIComponent(url.pathname));
    } catch {
      // `ssh://git@host:org/repo` mixes the two forms: read it as the scp-like one below.
    }
    return scpLike(withScheme[1] ?? "");
  }
  return scpLike(trimmed) ?? bare(trimmed);
}

/** `git@host:org/repo`, or `host:org/repo`; not `host:8080/...` (a port). */
function scpLike(text: string): string | null {
  const match = /^(?:[^@/\s]+@)?([^:/\s]+):(?!\d+(?:\/|$))\/?(.+)$/.exec(text);
  return match ? keyOf(match[1] ?? "", match[2] ?? "") : null;
}

/** `host/org/repo`, and `user@host/org/repo`. */
function bare(text: string): string | null {
  const match = /^(?:[^@/\s]+@)?([^/\s]+\.[^/\s]+)\/(.+)$/.exec(text);
  return match ? keyOf((match[1] ?? "").replace(/:\d+$/, ""), match[2] ?? "") : null;
}

function keyOf(host: string, path: string): string | null {
  const cleaned = path
    .replace(/^[/~]+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/i, "")
    .replace(/\/+$/, "");
  if (!host || !cleaned) return null;
  return `${host.toLowerCase()}/${cleaned.toLowerCase()}`;
}

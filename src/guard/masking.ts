import { MASK } from "../secrets.js";

/**
 * Credential shapes that Jenkins' own masking misses when a build prints them. Each keeps what
 * names the secret (`password=`, `Bearer `) and masks the value.
 */
const CREDENTIAL_PATTERNS: ReadonlyArray<{ pattern: RegExp; keep?: number; hint?: RegExp }> = [
  // Private key blocks: the whole block.
  {
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    hint: /-----BEGIN/,
  },
  // Cloud access keys (AWS access key ids) and secrets after their usual names.
  { pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[0-9A-Z]{16}\b/g },
  { pattern: /\b(aws_secret_access_key\s*[=:]\s*)[A-Za-z0-9/+=]{40}(?![A-Za-z0-9/+=])/gi, keep: 1 },
  // GitHub tokens (classic, fine-grained, app, OAuth) and GitLab personal/deploy tokens.
  { pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{22,255})\b/g },
  { pattern: /\bgl(?:pat|dt|rt|ptt|cbt|oas)-[A-Za-z0-9_-]{20,}\b/g },
  // Slack tokens and Google API keys.
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g },
  // Authorization headers and bearer tokens.
  { pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, keep: 1 },
  { pattern: /\b(Authorization:\s*Basic\s+)[A-Za-z0-9+/=]{8,}/gi, keep: 1 },
  // password=…, token: …, secret=… (quoted or bare values).
  {
    pattern:
      /\b((?:password|passwd|pwd|secret|token|api[_-]?key|access[_-]?key)["']?\s*[=:]\s*["']?)[^\s"',;&]{3,}/gi,
    keep: 1,
  },
  // Credentials inside URLs: https://user:secret@host.
  { pattern: /(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:)[^@\s/]+(@)/gi, keep: 1, hint: /:\/\// },
];

/** Masks credential shapes (and a policy's extra patterns) in text that reaches a model. */
export class SecretMasker {
  private readonly extra: readonly RegExp[];

  constructor(extraPatterns: readonly RegExp[] = []) {
    this.extra = extraPatterns;
  }

  mask(text: string): string {
    let result = text;
    for (const { pattern, keep, hint } of CREDENTIAL_PATTERNS) {
      // A literal every match contains rules most texts out in one fast scan.
      if (hint && !hint.test(result)) continue;
      result = result.replace(pattern, (...groups: unknown[]) => maskMatch(groups, keep));
    }
    for (const pattern of this.extra) result = result.replace(pattern, MASK);
    return result;
  }
}

/** Keeps the first `keep` capture groups (the name of the secret) and the URL's "@". */
function maskMatch(groups: unknown[], keep: number | undefined): string {
  if (!keep) return MASK;
  const captures = groups.slice(1, -2).filter((value): value is string => typeof value === "string");
  const [prefix, ...rest] = captures;
  return `${prefix ?? ""}${MASK}${rest.join("")}`;
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { HttpClientToken } from "../../config.js";

/** The identity of HTTP clients when no tokens are configured (loopback, or --allow-unauthenticated). */
const ANONYMOUS_CLIENT = "anonymous";

const BEARER = /^Bearer[ \t]+([!-~]+)[ \t]*$/i;

/** The token of an `Authorization: Bearer` header; undefined for none or any other form. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/**
 * Maps a bearer token to the client it was given to. Tokens are compared as SHA-256 digests with
 * timingSafeEqual, and every configured token is compared, so timing tells nothing about how close a
 * guess was or which client it matched.
 */
export class TokenAuthenticator {
  private readonly clients: readonly { name: string; digest: Buffer }[];

  constructor(tokens: readonly HttpClientToken[]) {
    this.clients = tokens.map(({ name, token }) => ({ name, digest: digest(token) }));
  }

  get required(): boolean {
    return this.clients.length > 0;
  }

  /** The client's name for a valid `Authorization: Bearer` header; undefined otherwise. */
  authenticate(header: string | undefined): string | undefined {
    if (!this.required) return ANONYMOUS_CLIENT;
    const token = bearerToken(header);
    return token === undefined ? undefined : this.match(token);
  }

  /** The client a token was given to; undefined for a token that is none of them. */
  match(token: string): string | undefined {
    const presented = digest(token);
    let match: string | undefined;
    for (const client of this.clients) {
      if (timingSafeEqual(client.digest, presented) && match === undefined) match = client.name;
    }
    return match;
  }
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

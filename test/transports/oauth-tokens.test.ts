import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import { metadataUrls } from "../../src/transports/http/oauth/issuer.js";
import {
  AccessTokenVerifier,
  InvalidToken,
  IssuerUnavailable,
} from "../../src/transports/http/oauth/tokens.js";

const RESOURCE = "https://mcp.example.com/mcp";

/**
 * An issuer over real HTTP whose published keys the test changes, counting how often its metadata
 * and keys are fetched: what the verifier does on a rotated or unknown key is seen on the wire.
 */
class KeyServer {
  readonly fetches: string[] = [];
  published: JWK[] = [];
  /** What its metadata says its issuer is; the real one unless a test lies. */
  claimedIssuer: string | undefined;
  private server: Server = createServer((req, res) => {
    this.fetches.push(req.url ?? "");
    if (req.url === "/.well-known/openid-configuration") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ issuer: this.claimedIssuer ?? this.issuer, jwks_uri: `${this.issuer}/keys` }));
    } else if (req.url === "/keys") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: this.published }));
    } else {
      res.writeHead(404).end();
    }
  });
  issuer = "";

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.issuer = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  keyFetches(): number {
    return this.fetches.filter((path) => path === "/keys").length;
  }
}

async function signingKey(kid: string) {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

function verifier(issuer: string): AccessTokenVerifier {
  const config = loadConfig({
    JENKINS_URL: "https://ci.example.com",
    MCP_OAUTH_ISSUER: issuer,
    MCP_OAUTH_RESOURCE: RESOURCE,
    MCP_OAUTH_GROUPS_CLAIM: "realm_access.roles",
  });
  if (!config.http.oauth) throw new Error("no OAuth config");
  return new AccessTokenVerifier(config.http.oauth, RESOURCE);
}

let keys: KeyServer;

beforeAll(async () => {
  keys = new KeyServer();
  await keys.start();
});

afterAll(() => keys?.close());

async function token(key: Awaited<ReturnType<typeof signingKey>>, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "alice", scope: "jenkins:read jenkins:cancel", ...claims })
    .setProtectedHeader({ alg: "ES256", kid: key.kid })
    .setIssuer(keys.issuer)
    .setAudience(RESOURCE)
    .setExpirationTime(now + 300)
    .sign(key.privateKey);
}

describe("AccessTokenVerifier against an issuer's published keys", () => {
  it("finds the keys by OpenID discovery, fetches them once, re-fetches for a new kid, but not again at once", async () => {
    const first = await signingKey("first");
    const rotated = await signingKey("rotated");
    const stranger = await signingKey("stranger");
    keys.published = [first.publicJwk];
    const tokens = verifier(keys.issuer);

    const alice = await tokens.verify(await token(first, { realm_access: { roles: ["release-managers"] } }));
    expect(alice.name).toBe("user:alice");
    expect(alice.groups).toEqual(["group:release-managers"]);
    expect([...(alice.scopes?.granted ?? [])]).toEqual(["read", "cancel"]);
    // RFC 8414's location first, then OpenID Connect's, which this issuer serves.
    expect(keys.fetches.slice(0, 3)).toEqual([
      "/.well-known/oauth-authorization-server",
      "/.well-known/openid-configuration",
      "/keys",
    ]);

    await tokens.verify(await token(first));
    expect(keys.keyFetches()).toBe(1);

    // Within the 30 s after a fetch an unknown kid is refused without asking the provider again:
    // tokens with made-up kids cannot make it fetch on every request.
    await expect(tokens.verify(await token(stranger))).rejects.toThrowError(
      new InvalidToken("the token was signed with a key its issuer does not publish"),
    );
    expect(keys.keyFetches()).toBe(1);

    // Later the provider rotates its key: a token with the new kid makes the verifier fetch again.
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    try {
      keys.published = [first.publicJwk, rotated.publicJwk];
      await expect(tokens.verify(await token(rotated))).resolves.toMatchObject({ name: "user:alice" });
      expect(keys.keyFetches()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it("refuses metadata that names another issuer (RFC 8414 section 3.3), as the provider's fault", async () => {
    keys.claimedIssuer = "https://honest.example.com";
    try {
      const key = await signingKey("first");
      await expect(verifier(keys.issuer).verify(await token(key))).rejects.toThrowError(IssuerUnavailable);
    } finally {
      keys.claimedIssuer = undefined;
    }
  });
});

describe("metadataUrls", () => {
  it("tries RFC 8414 and OpenID Connect with the path inserted, then OpenID Connect's appended path", () => {
    expect(metadataUrls("https://login.example.com/realms/ci")).toEqual([
      "https://login.example.com/.well-known/oauth-authorization-server/realms/ci",
      "https://login.example.com/.well-known/openid-configuration/realms/ci",
      "https://login.example.com/realms/ci/.well-known/openid-configuration",
    ]);
    expect(metadataUrls("https://tenant.auth0.com/")).toEqual([
      "https://tenant.auth0.com/.well-known/oauth-authorization-server",
      "https://tenant.auth0.com/.well-known/openid-configuration",
    ]);
  });
});

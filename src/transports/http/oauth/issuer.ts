import { createRemoteJWKSet, type JWTVerifyGetKey } from "jose";

/** What this server needs of an authorization server's metadata (RFC 8414 / OpenID Connect Discovery). */
interface IssuerMetadata {
  jwksUri?: string;
  introspectionEndpoint?: string;
}

/** The identity provider could not be asked (down, or its metadata is wrong): the server's problem, not the token's. */
export class IssuerUnavailable extends Error {
  override name = "IssuerUnavailable";
}

const FETCH_TIMEOUT_MS = 5_000;
/** A failed discovery is tried again at most this often: a dead provider is not asked on every request. */
const RETRY_FLOOR_MS = 10_000;
/** Keys are fetched again after this long, or at once for an unknown `kid` unless fetched in the last cooldown. */
const JWKS_MAX_AGE_MS = 10 * 60_000;
const JWKS_COOLDOWN_MS = 30_000;

/**
 * One trusted authorization server: its metadata, found once by discovery (RFC 8414, then OpenID
 * Connect Discovery, in the order the MCP spec gives clients) and checked to name the same issuer,
 * and its signing keys (JWKS) through jose's cache.
 */
export class Issuer {
  private metadata: Promise<IssuerMetadata> | undefined;
  private failedAt = 0;
  private keySet: JWTVerifyGetKey | undefined;

  constructor(readonly issuer: string) {}

  /** The key resolver for tokens of this issuer. */
  async keys(): Promise<JWTVerifyGetKey> {
    if (this.keySet) return this.keySet;
    const { jwksUri } = await this.discover();
    if (!jwksUri) throw new IssuerUnavailable(`${this.issuer} publishes no jwks_uri in its metadata`);
    this.keySet = createRemoteJWKSet(new URL(jwksUri), {
      timeoutDuration: FETCH_TIMEOUT_MS,
      cooldownDuration: JWKS_COOLDOWN_MS,
      cacheMaxAge: JWKS_MAX_AGE_MS,
    });
    return this.keySet;
  }

  async introspectionEndpoint(): Promise<string> {
    const { introspectionEndpoint } = await this.discover();
    if (!introspectionEndpoint) {
      throw new IssuerUnavailable(`${this.issuer} publishes no introspection_endpoint in its metadata`);
    }
    return introspectionEndpoint;
  }

  private discover(): Promise<IssuerMetadata> {
    if (this.metadata === undefined && Date.now() - this.failedAt < RETRY_FLOOR_MS) {
      return Promise.reject(new IssuerUnavailable(`${this.issuer} could not be reached a moment ago`));
    }
    this.metadata ??= discoverMetadata(this.issuer).catch((error: unknown) => {
      this.metadata = undefined;
      this.failedAt = Date.now();
      throw error;
    });
    return this.metadata;
  }
}

/** The well-known URLs of an issuer's metadata, in the order the MCP authorization spec tries them. */
export function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/$/, "");
  const at = (wellKnown: string) => `${url.origin}/.well-known/${wellKnown}${path}`;
  const urls = [at("oauth-authorization-server"), at("openid-configuration")];
  if (path) urls.push(`${url.origin}${path}/.well-known/openid-configuration`);
  return urls;
}

async function discoverMetadata(issuer: string): Promise<IssuerMetadata> {
  const problems: string[] = [];
  for (const url of metadataUrls(issuer)) {
    let response: Response;
    try {
      response = await fetch(url, {
        headers: { accept: "application/json" },
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      });
    } catch (error) {
      problems.push(`${url}: ${(error as Error).message}`);
      continue;
    }
    if (!response.ok) {
      await response.body?.cancel();
      problems.push(`${url}: HTTP ${response.status}`);
      continue;
    }
    const document = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    // RFC 8414 section 3.3: metadata that names another issuer must not be used.
    if (document?.issuer !== issuer) {
      throw new IssuerUnavailable(`${url} names issuer ${JSON.stringify(document?.issuer)}, not ${issuer}`);
    }
    return {
      ...(typeof document.jwks_uri === "string" ? { jwksUri: document.jwks_uri } : {}),
      ...(typeof document.introspection_endpoint === "string"
        ? { introspectionEndpoint: document.introspection_endpoint }
        : {}),
    };
  }
  throw new IssuerUnavailable(`no metadata found for ${issuer} (${problems.join("; ")})`);
}

import { decodeJwt, errors, type JWTPayload, jwtVerify } from "jose";
import type { OAuthConfig } from "../../../config.js";
import type { Identity, TokenScopes } from "../../../guard/identity.js";
import { ACTIONS, type Action } from "../../../guard/policy.js";
import { Issuer, IssuerUnavailable } from "./issuer.js";

/** A token this server does not accept: answered with 401 invalid_token, the reason in its description. */
export class InvalidToken extends Error {
  override name = "InvalidToken";
}

export { IssuerUnavailable };

/** Three base64url parts: a JWS in compact form. Anything else is an opaque token. */
const COMPACT_JWS = /^[\w-]+\.[\w-]+\.[\w-]*$/;

/**
 * Validates OAuth access tokens for this resource, locally: a JWT's signature against its issuer's
 * keys, its `iss`, its `aud` (this resource, RFC 8707: a token for another service is refused),
 * `exp` and `nbf` within the clock skew, and only the allowed algorithms (never `none`). An opaque
 * token is asked about by introspection (RFC 7662) when that is configured. The token itself goes
 * no further than this class.
 */
export class AccessTokenVerifier {
  private readonly issuers: ReadonlyMap<string, Issuer>;
  private readonly audiences: string[];

  constructor(
    private readonly config: OAuthConfig,
    resource: string,
  ) {
    this.issuers = new Map(config.issuers.map((issuer) => [issuer, new Issuer(issuer)]));
    this.audiences = [...(config.audiences ?? [resource])];
  }

  /** The identity the token names; throws InvalidToken, or IssuerUnavailable when it cannot be checked now. */
  async verify(token: string): Promise<Identity> {
    const claims = COMPACT_JWS.test(token) ? await this.verifyJwt(token) : await this.introspect(token);
    return this.identity(claims);
  }

  /** The scope that grants an action. */
  scopeOf(action: Action): string {
    return `${this.config.scopePrefix}${action}`;
  }

  private async verifyJwt(token: string): Promise<JWTPayload> {
    const issuer = this.issuerOf(unverifiedIssuer(token));
    try {
      const { payload } = await jwtVerify(token, await issuer.keys(), {
        issuer: issuer.issuer,
        audience: this.audiences,
        algorithms: [...this.config.algorithms],
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ["exp"],
      });
      return payload;
    } catch (error) {
      throw asTokenError(error);
    }
  }

  private issuerOf(iss: unknown): Issuer {
    const issuer = typeof iss === "string" ? this.issuers.get(iss) : undefined;
    if (!issuer) throw new InvalidToken(`the token's issuer ${JSON.stringify(iss)} is not trusted here`);
    return issuer;
  }

  /** RFC 7662: the first issuer says whether an opaque token is active, and its claims. */
  private async introspect(token: string): Promise<JWTPayload> {
    const credentials = this.config.introspection;
    const [issuer] = this.issuers.values();
    if (!credentials || !issuer) {
      throw new InvalidToken("the token is not a JWT, and this server does not introspect opaque tokens");
    }
    const claims = await introspection(await issuer.introspectionEndpoint(), token, credentials);
    if (claims.active !== true) throw new InvalidToken("the identity provider says the token is not active");
    const now = Date.now() / 1000;
    const skew = this.config.clockSkewSeconds;
    if (claims.iss !== undefined && claims.iss !== issuer.issuer) this.issuerOf(claims.iss);
    if (typeof claims.exp !== "number" || claims.exp + skew <= now)
      throw new InvalidToken("the token has expired");
    if (typeof claims.nbf === "number" && claims.nbf - skew > now)
      throw new InvalidToken("the token is not valid yet");
    const audiences =
      typeof claims.aud === "string" ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    if (!audiences.some((audience) => this.audiences.includes(audience))) {
      throw new InvalidToken(`the token is for ${JSON.stringify(claims.aud ?? null)}, not this server`);
    }
    return claims;
  }

  private identity(claims: JWTPayload): Identity {
    const { userClaim, groupsClaim } = this.config;
    const user = claim(claims, userClaim);
    if (typeof user !== "string" || user === "") {
      throw new InvalidToken(`the token has no ${userClaim} claim naming the person`);
    }
    return {
      name: `user:${user}`,
      groups: groupsOf(claim(claims, groupsClaim)),
      scopes: this.scopes(claims),
    };
  }

  private scopes(claims: JWTPayload): TokenScopes {
    // `scope` is RFC 9068's space-separated string; Entra ID says `scp`, Okta gives an array.
    const raw = claims.scope ?? claims.scp;
    const granted = new Set(typeof raw === "string" ? raw.split(" ") : Array.isArray(raw) ? raw : []);
    return {
      granted: new Set(ACTIONS.filter((action) => granted.has(this.scopeOf(action)))),
      scopeOf: (action) => this.scopeOf(action),
    };
  }
}

function unverifiedIssuer(token: string): unknown {
  try {
    return decodeJwt(token).iss;
  } catch {
    throw new InvalidToken("the token is not a well-formed JWT");
  }
}

/**
 * jose's verdict as one sentence a person can act on. A key set that cannot be fetched (jose's
 * generic error for a bad answer, a timeout, or the network's own error) is the provider's fault.
 */
function asTokenError(error: unknown): Error {
  if (error instanceof IssuerUnavailable || error instanceof InvalidToken) return error;
  const keysUnreachable =
    !(error instanceof errors.JOSEError) ||
    error instanceof errors.JWKSTimeout ||
    error.code === "ERR_JOSE_GENERIC";
  if (keysUnreachable) {
    return new IssuerUnavailable(
      `the identity provider's keys could not be fetched (${(error as Error)?.message ?? String(error)})`,
    );
  }
  if (error instanceof errors.JWTExpired) return new InvalidToken("the token has expired");
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "aud")
      return new InvalidToken("the token was issued for another resource, not this server");
    if (error.claim === "nbf") return new InvalidToken("the token is not valid yet");
    return new InvalidToken(`the token's ${error.claim} claim is not accepted (${error.reason})`);
  }
  if (error instanceof errors.JOSEAlgNotAllowed)
    return new InvalidToken("the token's signature algorithm is not accepted");
  if (error instanceof errors.JWKSNoMatchingKey)
    return new InvalidToken("the token was signed with a key its issuer does not publish");
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return new InvalidToken("the token's signature does not verify");
  return new InvalidToken(`the token is not valid (${error.message})`);
}

/** A claim by its name, or by a dotted path into objects (`realm_access.roles`) when no claim has that name. */
function claim(claims: JWTPayload, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    value =
      typeof value === "object" && value !== null ? (value as Record<string, unknown>)[part] : undefined;
  }
  return value;
}

function groupsOf(value: unknown): string[] {
  const names = Array.isArray(value) ? value : typeof value === "string" ? value.split(" ") : [];
  return names
    .filter((name): name is string => typeof name === "string" && name !== "")
    .map((name) => `group:${name}`);
}

async function introspection(
  endpoint: string,
  token: string,
  credentials: { clientId: string; clientSecret: string },
): Promise<JWTPayload & { active?: unknown }> {
  // RFC 6749 section 2.3.1: client_secret_basic, both parts form-encoded first.
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString("base64");
  let response: Response;
  try {
    response = await fetch(endpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({ token, token_type_hint: "access_token" }),
      signal: AbortSignal.timeout(5_000),
    });
  } catch (error) {
    throw new IssuerUnavailable(`token introspection at ${endpoint} failed: ${(error as Error).message}`);
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new IssuerUnavailable(
      `token introspection at ${endpoint} answered HTTP ${response.status}: check MCP_OAUTH_INTROSPECTION_CLIENT_ID and its secret`,
    );
  }
  return (await response.json()) as JWTPayload & { active?: unknown };
}

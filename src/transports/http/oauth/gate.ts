import { getOAuthProtectedResourceMetadataUrl } from "@modelcontextprotocol/server";
import type { OAuthConfig } from "../../../config.js";
import type { Identity } from "../../../guard/identity.js";
import { ACTIONS } from "../../../guard/policy.js";
import type { Logger } from "../../../logger.js";
import { refuse, sendJson } from "../answers.js";
import { drain } from "../body.js";
import type { Exchange } from "../exchange.js";
import { AccessTokenVerifier, InvalidToken, IssuerUnavailable } from "./tokens.js";

const METADATA_PATH = "/.well-known/oauth-protected-resource";
/** How soon a client may try again when the identity provider could not be asked. */
const RETRY_AFTER_S = "10";

/**
 * OAuth 2.1 resource server mode, as the MCP authorization spec asks of a server: the protected
 * resource metadata (RFC 9728) that points clients at the authorization server, and the bearer
 * challenges (RFC 6750) that start and step up their sign-in.
 */
export class OAuthGate {
  /** The resource URI tokens must be issued for (RFC 8707). */
  readonly resource: string;
  /** Where the metadata is, as the challenges say (the path-suffixed form). */
  readonly metadataUrl: string;
  private readonly metadataPaths: ReadonlySet<string>;
  private readonly verifier: AccessTokenVerifier;
  private readonly document: Record<string, unknown>;

  constructor(
    config: OAuthConfig,
    listenerUrl: string,
    private readonly logger: Logger,
  ) {
    this.resource = config.resource ?? listenerUrl;
    this.metadataUrl = getOAuthProtectedResourceMetadataUrl(new URL(this.resource));
    // The root form, the path-suffixed form of the resource, and of /mcp itself behind a proxy that strips a prefix.
    const local = new URL(listenerUrl).pathname;
    this.metadataPaths = new Set([
      METADATA_PATH,
      new URL(this.metadataUrl).pathname,
      `${METADATA_PATH}${local}`,
    ]);
    this.verifier = new AccessTokenVerifier(config, this.resource);
    this.document = {
      resource: this.resource,
      authorization_servers: config.issuers,
      scopes_supported: ACTIONS.map((action) => this.verifier.scopeOf(action)),
      bearer_methods_supported: ["header"],
      resource_name: "jenkins-mcp",
    };
  }

  /** Whether the path is one of the metadata document's well-known locations. */
  servesMetadata(path: string): boolean {
    return this.metadataPaths.has(path.length > 1 ? path.replace(/\/$/, "") : path);
  }

  /** The RFC 9728 document: public, for web clients of any origin too. */
  async metadata(exchange: Exchange): Promise<void> {
    const { req, res } = exchange;
    const anyOrigin = { "access-control-allow-origin": "*" };
    if (req.method === "OPTIONS") {
      await drain(req);
      res.writeHead(204, {
        ...anyOrigin,
        "access-control-allow-methods": "GET, HEAD, OPTIONS",
        "access-control-allow-headers": String(req.headers["access-control-request-headers"] ?? ""),
      });
      res.end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD") {
      return refuse(exchange, 405, "Method not allowed", { allow: "GET, HEAD, OPTIONS", ...anyOrigin });
    }
    return sendJson(exchange, 200, this.document, { ...anyOrigin, "cache-control": "max-age=300" });
  }

  /**
   * The identity an access token names, or undefined once the request is answered: 401 without a
   * valid token, 403 insufficient_scope without the read scope every request needs (tools that write
   * ask for theirs through the SDK's scope challenge), 503 when the identity provider cannot be asked.
   */
  async authenticate(exchange: Exchange, token: string | undefined): Promise<Identity | undefined> {
    const read = this.verifier.scopeOf("read");
    if (token === undefined) {
      await this.challenge(exchange, 401, "Unauthorized: sign in with the identity provider", {
        scope: read,
      });
      return undefined;
    }
    let identity: Identity;
    try {
      identity = await this.verifier.verify(token);
    } catch (error) {
      if (error instanceof InvalidToken) {
        await this.challenge(exchange, 401, `Unauthorized: ${error.message}`, {
          error: "invalid_token",
          error_description: error.message,
        });
        return undefined;
      }
      if (!(error instanceof IssuerUnavailable)) throw error;
      this.logger.warn({ err: error }, "cannot check an access token");
      await refuse(
        exchange,
        503,
        `The identity provider cannot be asked about the token now: ${error.message}`,
        {
          "retry-after": RETRY_AFTER_S,
        },
      );
      return undefined;
    }
    if (!identity.scopes?.granted.has("read")) {
      const message = `the token does not grant ${read}, which every request needs`;
      await this.challenge(exchange, 403, `Forbidden: ${message}`, {
        error: "insufficient_scope",
        error_description: message,
        scope: read,
      });
      return undefined;
    }
    return identity;
  }

  private challenge(
    exchange: Exchange,
    status: 401 | 403,
    message: string,
    parameters: Record<string, string>,
  ): Promise<void> {
    const header = Object.entries({ ...parameters, resource_metadata: this.metadataUrl })
      .map(([name, value]) => `${name}="${quoted(value)}"`)
      .join(", ");
    return refuse(exchange, status, message, { "www-authenticate": `Bearer ${header}` });
  }
}

/** An RFC 9110 quoted-string's content: quotes and backslashes escaped, what a header cannot carry replaced. */
function quoted(value: string): string {
  return value.replaceAll(/[\\"]/g, "\\$&").replaceAll(/[^\x20-\x7e]/g, " ");
}

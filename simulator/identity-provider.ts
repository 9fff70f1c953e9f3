/**
 * A sandbox identity provider: oidc-provider (an OpenID Certified implementation of OAuth 2.0 and
 * OpenID Connect) over real HTTP on 127.0.0.1, issuing JWT access tokens for the resource a client
 * names (RFC 8707 resource indicators, its `resourceIndicators` feature), with the person's groups
 * in the token. Clients register themselves (RFC 7591) or use the sandbox's own public client.
 * Sign-in is a page listing the sandbox's people; a person picks one and consents. Tests and the
 * demo drive the same pages headlessly with `browse`.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

interface SandboxPerson {
  id: string;
  /** Groups as the provider's `groups` claim lists them. */
  groups: string[];
  /** The scopes this person may consent to; others asked for are refused at consent. */
  mayConsent: string[];
}

const ALL_SCOPES = [
  "jenkins:read",
  "jenkins:trigger",
  "jenkins:cancel",
  "jenkins:create",
  "jenkins:configure",
  "jenkins:replay",
];

/** The sandbox's people: a release manager, a developer who may only read, and an operator. */
export const SANDBOX_PEOPLE: Record<string, SandboxPerson> = {
  "alice@example.com": {
    id: "alice@example.com",
    groups: ["release-managers", "developers"],
    mayConsent: ALL_SCOPES,
  },
  "bob@example.com": { id: "bob@example.com", groups: ["developers"], mayConsent: ["jenkins:read"] },
  "carol@example.com": { id: "carol@example.com", groups: ["operators"], mayConsent: ALL_SCOPES },
};

/** The sandbox's own public client (PKCE, no secret), for `issueToken` and clients that do not register. */
const SANDBOX_CLIENT = { clientId: "sandbox-client", redirectUri: "http://127.0.0.1/callback" };

/** A confidential client that may introspect tokens (RFC 7662), as a resource server does. */
export const INTROSPECTION_CLIENT = { clientId: "jenkins-mcp", clientSecret: "sandbox-introspection-secret" };

export interface IdentityProviderOptions {
  port?: number;
  /** `jwt` (default) or `opaque`: opaque tokens can only be checked by introspection. */
  accessTokenFormat?: "jwt" | "opaque";
  /** Access token lifetime in seconds (default 3600). */
  accessTokenTtl?: number;
}

export class SandboxIdentityProvider {
  private constructor(
    private readonly server: Server,
    readonly issuer: string,
    /** The private signing key (ES256) and its `kid`, for tests that forge tokens with chosen claims. */
    readonly signingKey: JWK & { kid: string },
  ) {}

  static async start(options: IdentityProviderOptions = {}): Promise<SandboxIdentityProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
    const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const keys = await signingKeys();
    const provider = new Provider(issuer, configuration(keys.jwks, options));
    const interactions = new Interactions(provider);
    const callback = provider.callback();
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      if (req.url?.startsWith("/interaction/")) void interactions.handle(req, res);
      else void callback(req, res);
    });
    return new SandboxIdentityProvider(server, issuer, keys.es256);
  }

  /**
   * A person's browser, headless: follows an authorization URL through the sign-in page (as `person`)
   * and the consent page, and returns where the provider finally redirects (the client's callback,
   * with `code`, `state` and `iss`, or with an `error`).
   */
  async browse(authorizationUrl: URL | string, person: string): Promise<URL> {
    const jar = new Map<string, string>();
    let next = new URL(authorizationUrl);
    let form: Record<string, string> | undefined;
    for (let hop = 0; hop < 20; hop++) {
      if (next.origin !== this.issuer) return next;
      const response = await fetch(next, {
        method: form ? "POST" : "GET",
        redirect: "manual",
        headers: {
          cookie: [...jar].map(([name, value]) => `${name}=${value}`).join("; "),
          ...(form ? { "content-type": "application/x-www-form-urlencoded" } : {}),
        },
        ...(form ? { body: new URLSearchParams(form) } : {}),
      });
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ""] = cookie.split(";");
        const at = pair.indexOf("=");
        jar.set(pair.slice(0, at), pair.slice(at + 1));
      }
      const location = response.headers.get("location");
      const page = await response.text();
      form = undefined;
      if (location) {
        next = new URL(location, next);
        continue;
      }
      // A sign-in or consent page: submit its form as the person would.
      const action = /<form method="post" action="([^"]+)"/.exec(page)?.[1];
      if (!action)
        throw new Error(`the identity provider answered ${response.status}: ${page.slice(0, 300)}`);
      next = new URL(action, next);
      form = action.endsWith("/login") ? { person } : {};
    }
    throw new Error("the sign-in did not finish within 20 redirects");
  }

  /**
   * An access token for `person`, from the authorization-code flow with PKCE through the sandbox's
   * public client, for `resource` and the scopes asked (those the person may consent to are granted).
   */
  async issueToken(person: string, resource: string, scopes: string[]): Promise<string> {
    const verifier = randomBytes(32).toString("base64url");
    const authorize = new URL("/auth", this.issuer);
    authorize.search = new URLSearchParams({
      client_id: SANDBOX_CLIENT.clientId,
      redirect_uri: SANDBOX_CLIENT.redirectUri,
      response_type: "code",
      scope: scopes.join(" "),
      resource,
      code_challenge: createHash("sha256").update(verifier).digest("base64url"),
      code_challenge_method: "S256",
      state: randomBytes(8).toString("hex"),
    }).toString();
    const callback = await this.browse(authorize, person);
    const code = callback.searchParams.get("code");
    if (!code) throw new Error(`no authorization code: ${callback.searchParams.get("error_description")}`);
    const response = await fetch(new URL("/token", this.issuer), {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code,
        redirect_uri: SANDBOX_CLIENT.redirectUri,
        code_verifier: verifier,
        client_id: SANDBOX_CLIENT.clientId,
        resource,
      }),
    });
    const body = (await response.json()) as { access_token?: string; error_description?: string };
    if (!body.access_token) throw new Error(`no access token: ${body.error_description}`);
    return body.access_token;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

async function signingKeys(): Promise<{ jwks: { keys: JWK[] }; es256: JWK & { kid: string } }> {
  // RS256 signs ID tokens (OpenID Connect's default); ES256 signs the access tokens.
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const es256 = { ...(await exportJWK(ec.privateKey)), kid: "sandbox-es256", alg: "ES256", use: "sig" };
  const rs256 = { ...(await exportJWK(rsa.privateKey)), kid: "sandbox-rs256", alg: "RS256", use: "sig" };
  return { jwks: { keys: [rs256, es256] }, es256 };
}

function configuration(jwks: { keys: JWK[] }, options: IdentityProviderOptions): Configuration {
  // @types/oidc-provider types introspection as enabled only beside features we do not use.
  const features = {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: (_ctx: KoaContextWithOIDC, _client: unknown, oneOf?: readonly string[]) => oneOf,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: ALL_SCOPES.join(" "),
        accessTokenTTL: options.accessTokenTtl ?? 3600,
        accessTokenFormat: options.accessTokenFormat ?? "jwt",
        jwt: { sign: { alg: "ES256" } },
      }),
    },
  } as Configuration["features"];
  return {
    jwks: jwks as Configuration["jwks"],
    clients: [
      {
        client_id: SANDBOX_CLIENT.clientId,
        redirect_uris: [SANDBOX_CLIENT.redirectUri],
        token_endpoint_auth_method: "none",
        application_type: "native",
        grant_types: ["authorization_code", "refresh_token"],
      },
      {
        client_id: INTROSPECTION_CLIENT.clientId,
        client_secret: INTROSPECTION_CLIENT.clientSecret,
        redirect_uris: [],
        response_types: [],
        grant_types: [],
      },
    ],
    cookies: { keys: [randomBytes(32).toString("hex")] },
    // A registering client names the scopes of its first sign-in (the SDK registers with the first
    // challenge's); kept, they would forbid the scopes it asks for later (step-up). Dropped here,
    // before oidc-provider validates the registration, so a client may ask for any jenkins scope.
    extraClientMetadata: {
      properties: ["sandbox_any_scope"],
      validator: (_ctx, _key, _value, metadata) => {
        metadata.scope = undefined;
      },
    },
    // Listed for clients that register with the scopes they will ask for (RFC 7591 `scope`).
    scopes: ["openid", "offline_access", ...ALL_SCOPES],
    claims: { openid: ["sub"], email: ["email"], groups: ["groups"] },
    findAccount: (_ctx, id) => {
      const person = SANDBOX_PEOPLE[id];
      return person && { accountId: id, claims: () => ({ sub: id, email: id, groups: person.groups }) };
    },
    // The person's groups and e-mail travel in the access token, as identity providers can be told to.
    extraTokenClaims: (_ctx, token) => {
      const person = "accountId" in token ? SANDBOX_PEOPLE[token.accountId] : undefined;
      return person ? { groups: person.groups, email: person.id } : undefined;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features,
    pkce: { required: () => true },
    // Browser-based clients (the MCP Inspector's web app) call the token endpoint from their page.
    clientBasedCORS: () => true,
    // Set, so that oidc-provider does not warn that its defaults are in use.
    ttl: { AccessToken: options.accessTokenTtl ?? 3600, Interaction: 600, Session: 3600, Grant: 3600 },
  };
}

/** The sign-in and consent pages: a person picks who they are, then grants what they may. */
class Interactions {
  constructor(private readonly provider: Provider) {}

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const details = await this.provider.interactionDetails(req, res);
      const step = new URL(req.url ?? "/", "http://x").pathname.split("/")[3];
      if (req.method === "POST" && step === "login") {
        const person = (await formOf(req)).get("person") ?? "";
        if (!SANDBOX_PEOPLE[person])
          return page(res, 400, `<p>No one called ${escapeHtml(person)} here.</p>`);
        return this.provider.interactionFinished(req, res, { login: { accountId: person } });
      }
      if (req.method === "POST" && step === "consent") return this.consent(req, res, details);
      if (details.prompt.name === "login") return signInPage(res, details.uid);
      return consentPage(res, details.uid, details.prompt.details);
    } catch (error) {
      page(res, 400, `<p>${escapeHtml((error as Error).message)}</p>`);
    }
  }

  private async consent(
    req: IncomingMessage,
    res: ServerResponse,
    details: Awaited<ReturnType<Provider["interactionDetails"]>>,
  ): Promise<void> {
    await formOf(req);
    const { session, params, prompt } = details;
    const accountId = session?.accountId ?? "";
    const person = SANDBOX_PEOPLE[accountId];
    const grant = new this.provider.Grant({ accountId, clientId: String(params.client_id) });
    const missingOidc = prompt.details.missingOIDCScope as string[] | undefined;
    if (missingOidc) grant.addOIDCScope(missingOidc.join(" "));
    const missing = (prompt.details.missingResourceScopes ?? {}) as Record<string, string[]>;
    for (const [resource, scopes] of Object.entries(missing)) {
      const allowed = scopes.filter((scope) => person?.mayConsent.includes(scope));
      if (allowed.length) grant.addResourceScope(resource, allowed.join(" "));
      const refused = scopes.filter((scope) => !allowed.includes(scope));
      if (refused.length) grant.rejectResourceScope(resource, refused.join(" "));
    }
    const grantId = await grant.save();
    await this.provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
}

function signInPage(res: ServerResponse, uid: string): void {
  const buttons = Object.values(SANDBOX_PEOPLE)
    .map(
      (person) =>
        `<button name="person" value="${escapeHtml(person.id)}">${escapeHtml(person.id)}</button> (${escapeHtml(person.groups.join(", "))})<br>`,
    )
    .join("\n");
  page(
    res,
    200,
    `<h1>Sandbox sign-in</h1><p>Sign in as:</p><form method="post" action="/interaction/${uid}/login">${buttons}</form>`,
  );
}

function consentPage(res: ServerResponse, uid: string, details: Record<string, unknown>): void {
  const scopes = Object.values((details.missingResourceScopes ?? {}) as Record<string, string[]>).flat();
  page(
    res,
    200,
    `<h1>Allow access?</h1><p>The application asks for: ${escapeHtml(scopes.join(", ") || "sign-in")}.</p><form method="post" action="/interaction/${uid}/consent"><button>Allow</button></form>`,
  );
}

function page(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8" });
  res.end(`<!doctype html><title>Sandbox identity provider</title>${body}`);
}

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let text = "";
  for await (const chunk of req) text += chunk;
  return new URLSearchParams(text);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

import {
  Client,
  type OAuthClientInformationMixed,
  type OAuthClientProvider,
  type OAuthDiscoveryState,
  type OAuthTokens,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from "@modelcontextprotocol/client";
import type { SandboxIdentityProvider } from "./identity-provider.js";

/**
 * The OAuth side of an MCP client, for the tests and the demo: the SDK's own flow (discovery,
 * registration, authorization code with PKCE, step-up) with the sandbox identity provider's pages
 * walked through headlessly by `SandboxIdentityProvider.browse`.
 */
const REDIRECT = "http://127.0.0.1/callback";

/**
 * An MCP client's OAuth side as the SDK asks for it, with a person at a headless browser: when the
 * SDK sends the person to sign in, the sandbox provider's pages are walked through as `person`, and
 * the callback's query is kept for `finishAuth`.
 */
export class HeadlessOAuthClient implements OAuthClientProvider {
  private client: OAuthClientInformationMixed | undefined;
  private stored: OAuthTokens | undefined;
  private verifier = "";
  private discovery: OAuthDiscoveryState | undefined;
  private expectedState = "";
  private callback: URLSearchParams | undefined;
  /** The authorization URLs the SDK sent the person to, for what they asked (scope, resource). */
  readonly authorizations: URL[] = [];

  constructor(
    private readonly idp: SandboxIdentityProvider,
    readonly person: string,
  ) {}

  readonly redirectUrl = REDIRECT;
  readonly clientMetadata = {
    client_name: "jenkins-mcp sandbox client",
    redirect_uris: [REDIRECT],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    application_type: "native",
  };

  state(): string {
    this.expectedState = crypto.randomUUID();
    return this.expectedState;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(information: OAuthClientInformationMixed) {
    this.client = information;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: OAuthTokens) {
    this.stored = tokens;
  }
  saveCodeVerifier(verifier: string) {
    this.verifier = verifier;
  }
  codeVerifier() {
    return this.verifier;
  }
  saveDiscoveryState(state: OAuthDiscoveryState) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }

  async redirectToAuthorization(url: URL): Promise<void> {
    this.authorizations.push(url);
    const callback = await this.idp.browse(url, this.person);
    if (callback.searchParams.get("state") !== this.expectedState) throw new Error("state mismatch");
    this.callback = callback.searchParams;
  }

  /** The access token the client holds now. */
  get accessToken(): string {
    if (!this.stored) throw new Error("no token yet");
    return this.stored.access_token;
  }

  /** Hands the callback to the transport, as a client's redirect handler does. */
  async finish(transport: StreamableHTTPClientTransport): Promise<void> {
    const callback = this.callback;
    this.callback = undefined;
    if (!callback) throw new Error("the SDK did not send the person to sign in");
    await transport.finishAuth(callback);
  }
}

/** Connects as the SDK's examples do: the first connect sends the person to sign in, the second has a token. */
export async function signIn(
  url: string,
  oauth: HeadlessOAuthClient,
): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const first = new StreamableHTTPClientTransport(new URL(url), { authProvider: oauth });
  const error = await new Client({ name: "jenkins-mcp-sandbox", version: "1.0.0" }).connect(first).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof UnauthorizedError)) throw new Error(`expected a sign-in, got ${String(error)}`);
  await oauth.finish(first);
  const transport = new StreamableHTTPClientTransport(new URL(url), { authProvider: oauth });
  const client = new Client({ name: "jenkins-mcp-sandbox", version: "1.0.0" });
  await client.connect(transport);
  return { client, transport };
}

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UnauthorizedError } from "@modelcontextprotocol/client";
import { importJWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { INTROSPECTION_CLIENT, SandboxIdentityProvider } from "../../simulator/identity-provider.js";
import type { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import { SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { HeadlessOAuthClient, signIn } from "../../simulator/sign-in.js";
import {
  bearer,
  connect,
  INITIALIZE,
  MCP_HEADERS,
  openSession,
  rpc,
  startServer,
  startSimulator,
  type TestServer,
  TOKEN,
} from "./harness.js";

const ALICE = "alice@example.com"; // release-managers, may consent to every scope
const BOB = "bob@example.com"; // developers, may consent to jenkins:read only
const CAROL = "carol@example.com"; // operators, acts as Jenkins' reader user
const EVERY_SCOPE = [
  "jenkins:read",
  "jenkins:trigger",
  "jenkins:cancel",
  "jenkins:create",
  "jenkins:configure",
  "jenkins:replay",
];

let jenkins: JenkinsSimulator;
let idp: SandboxIdentityProvider;
let server: TestServer;
let auditLog: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-oauth-"));
  auditLog = join(dir, "audit.jsonl");
  const readerToken = join(dir, "reader-token");
  writeFileSync(readerToken, SIMULATOR_USERS.reader.apiToken);
  const policy = join(dir, "policy.yaml");
  writeFileSync(
    policy,
    `rules:
  - name: release-managers-ship
    clients: ["group:release-managers"]
    jobs: ["**"]
    allow: [read, trigger, cancel, create]
  - name: operators-read-as-reader
    clients: ["group:operators"]
    jobs: ["**"]
    allow: [read]
    actAs: { user: reader, tokenFile: ${JSON.stringify(readerToken)} }
  - name: ci-bot-triggers
    clients: [default]
    jobs: ["**"]
    allow: [read, trigger]
  - name: everyone-reads
    clients: ["*"]
    jobs: ["**"]
    allow: [read]
`,
  );
  [jenkins, idp] = await Promise.all([startSimulator(), SandboxIdentityProvider.start()]);
  server = await startServer(jenkins.url, {
    MCP_OAUTH_ISSUER: idp.issuer,
    JENKINS_MCP_TOOLSETS: "all",
    JENKINS_MCP_POLICY: policy,
    JENKINS_MCP_AUDIT_LOG: auditLog,
  });
});

afterAll(async () => {
  await server?.close();
  await Promise.all([idp?.close(), jenkins?.close()]);
});

const metadataUrl = () => new URL("/.well-known/oauth-protected-resource/mcp", server.url).href;

function post(token: string | undefined, body = INITIALIZE, headers: Record<string, string> = {}) {
  return fetch(server.url, {
    method: "POST",
    headers: { ...MCP_HEADERS, ...(token === undefined ? {} : bearer(token)), ...headers },
    body,
  });
}

function auditLines(): Array<Record<string, unknown>> {
  return readFileSync(auditLog, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** What Jenkins was asked while `action` ran. */
async function jenkinsRequestsDuring(action: () => Promise<unknown>) {
  const before = jenkins.requests.length;
  await action();
  return jenkins.requests.slice(before);
}

describe("protected resource metadata (RFC 9728)", () => {
  it.each(["/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"])(
    "is served at %s with the issuer, the scopes and the resource",
    async (path) => {
      const response = await fetch(new URL(path, server.url));
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(await response.json()).toEqual({
        resource: server.url,
        authorization_servers: [idp.issuer],
        scopes_supported: EVERY_SCOPE,
        bearer_methods_supported: ["header"],
        resource_name: "jenkins-mcp",
      });
    },
  );

  it("answers a request without a token with 401 pointing at the metadata and the read scope", async () => {
    const response = await post(undefined);
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer scope="jenkins:read", resource_metadata="${metadataUrl()}"`,
    );
  });
});

describe("a real MCP client signs in (authorization code + PKCE, resource indicator)", () => {
  it("registers, signs the person in, and calls tools as them; a write steps up to its scope", async () => {
    const oauth = new HeadlessOAuthClient(idp, ALICE);
    const { client, transport } = await signIn(server.url, oauth);
    try {
      const [first] = oauth.authorizations;
      expect(first?.searchParams.get("resource")).toBe(server.url);
      // The challenge's scope, and offline_access for a refresh token as the spec lets clients ask.
      expect(first?.searchParams.get("scope")?.split(" ").sort()).toEqual(["jenkins:read", "offline_access"]);
      expect(first?.searchParams.get("code_challenge_method")).toBe("S256");

      const who = await client.callTool({ name: "whoAmI", arguments: {} });
      expect(who.structuredContent).toMatchObject({ client: `user:${ALICE}`, user: "admin" });

      // Her token has jenkins:read only: triggering is challenged (403 insufficient_scope), the SDK
      // sends her to consent to jenkins:trigger, and the call goes through with the new token.
      const posts = await jenkinsRequestsDuring(async () => {
        await expect(
          client.callTool({ name: "triggerBuild", arguments: { jobFullName: "hello" } }),
        ).rejects.toThrow(UnauthorizedError);
      });
      expect(posts).toEqual([]);
      const stepUp = oauth.authorizations[1];
      expect(stepUp?.searchParams.get("scope")?.split(" ")).toContain("jenkins:trigger");
      await oauth.finish(transport);
      const triggered = await client.callTool({ name: "triggerBuild", arguments: { jobFullName: "hello" } });
      expect(triggered.isError).toBeFalsy();
      expect(auditLines()).toContainEqual(
        expect.objectContaining({
          client: `user:${ALICE}`,
          tool: "triggerBuild",
          outcome: "ok",
          job: "hello",
        }),
      );
    } finally {
      await client.close();
    }
  });
});

describe("tokens the server refuses, changing nothing", () => {
  async function forged(claims: Record<string, unknown>, header: Record<string, unknown> = {}) {
    const now = Math.floor(Date.now() / 1000);
    const key = await importJWK(idp.signingKey, "ES256");
    const valid = { iss: idp.issuer, aud: server.url, iat: now - 60, exp: now + 600, sub: ALICE };
    return new SignJWT({ ...valid, scope: EVERY_SCOPE.join(" "), groups: ["release-managers"], ...claims })
      .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: idp.signingKey.kid, ...header })
      .sign(key);
  }

  const cases: Array<[string, () => Promise<string>, RegExp]> = [
    ["an expired one", () => forged({ exp: Math.floor(Date.now() / 1000) - 120 }), /expired/],
    ["one not valid yet", () => forged({ nbf: Math.floor(Date.now() / 1000) + 600 }), /not valid yet/],
    [
      "one for another resource",
      () => idp.issueToken(ALICE, "https://other.example.com/mcp", EVERY_SCOPE),
      /another resource/,
    ],
    [
      "one with a tampered payload",
      async () => tamper(await idp.issueToken(BOB, server.url, ["jenkins:read"])),
      /signature/,
    ],
    [
      "an unsigned one (alg none)",
      async () => unsigned(await idp.issueToken(ALICE, server.url, EVERY_SCOPE)),
      /algorithm|not valid/,
    ],
    ["one signed with a key the issuer does not publish", () => forged({}, { kid: "someone-else" }), /key/],
    ["one that is not a JWT", async () => "opaque-token-0123456789abcdef", /not a JWT/],
  ];

  it.each(cases)("refuses %s with 401 invalid_token", async (_name, make, reason) => {
    const token = await make();
    const call = rpc("tools/call", { name: "triggerBuild", arguments: { jobFullName: "hello" } });
    let response: Response | undefined;
    const requests = await jenkinsRequestsDuring(async () => {
      response = await post(token, call);
    });
    expect(response?.status).toBe(401);
    const challenge = response?.headers.get("www-authenticate") ?? "";
    expect(challenge).toMatch(
      /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata="/,
    );
    expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
    expect(challenge).toMatch(reason);
    expect(requests).toEqual([]);
  });

  it("refuses a token from an issuer it does not trust, even one for this resource", async () => {
    const stranger = await SandboxIdentityProvider.start();
    try {
      const token = await stranger.issueToken(ALICE, server.url, EVERY_SCOPE);
      const response = await post(token);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/error="invalid_token".*issuer.*not trusted/);
    } finally {
      await stranger.close();
    }
  });

  it("never sends the access token on to Jenkins", async () => {
    const token = await idp.issueToken(ALICE, server.url, EVERY_SCOPE);
    const client = await connect("v2-modern", server.url, token);
    try {
      const requests = await jenkinsRequestsDuring(() => client.callTool("getJob", { jobFullName: "hello" }));
      expect(requests.length).toBeGreaterThan(0);
      for (const request of requests) expect(JSON.stringify(request.requestHeaders)).not.toContain(token);
    } finally {
      await client.close();
    }
  });
});

describe("scopes bound the actions, per action", () => {
  const calls: Array<[string, Record<string, unknown>, string]> = [
    ["triggerBuild", { jobFullName: "hello" }, "jenkins:trigger"],
    ["stopBuild", { jobFullName: "hello", buildNumber: 1 }, "jenkins:cancel"],
    ["cancelQueueItem", { queueItemId: 1 }, "jenkins:cancel"],
    ["createJob", { jobFullName: "team/new-job" }, "jenkins:create"],
    [
      "answerInput",
      { jobFullName: "ops/deploy", buildNumber: 1, inputId: "Approve", action: "proceed" },
      "jenkins:trigger",
    ],
    [
      "answerInput",
      { jobFullName: "ops/deploy", buildNumber: 1, inputId: "Approve", action: "abort" },
      "jenkins:cancel",
    ],
  ];

  it.each(calls)(
    "%s %j without its scope gets 403 insufficient_scope naming %s",
    async (name, args, scope) => {
      const token = await idp.issueToken(ALICE, server.url, ["jenkins:read"]);
      const session = await openSession(server.url, token);
      let response: Response | undefined;
      const requests = await jenkinsRequestsDuring(async () => {
        response = await post(token, rpc("tools/call", { name, arguments: args }, 2), {
          "mcp-session-id": session,
          "mcp-protocol-version": "2025-06-18",
        });
      });
      expect(response?.status).toBe(403);
      const challenge = response?.headers.get("www-authenticate") ?? "";
      expect(challenge).toContain('error="insufficient_scope"');
      expect(challenge).toContain(`scope="jenkins:read ${scope}"`);
      expect(challenge).toContain(`resource_metadata="${metadataUrl()}"`);
      expect(requests).toEqual([]);
    },
  );

  it("lets a person consent only to what the provider allows them: bob gets read, and no more", async () => {
    const token = await idp.issueToken(BOB, server.url, EVERY_SCOPE);
    const client = await connect("v2-modern", server.url, token);
    try {
      expect((await client.callTool("getJob", { jobFullName: "hello" })).isError).toBeFalsy();
      await expect(client.callTool("triggerBuild", { jobFullName: "hello" })).rejects.toThrow(
        'Insufficient scope: required "jenkins:read jenkins:trigger"',
      );
    } finally {
      await client.close();
    }
  });

  it("answers a token without even the read scope with 403 before anything runs", async () => {
    const token = await idp.issueToken(ALICE, server.url, ["jenkins:trigger"]);
    const response = await post(token);
    expect(response.status).toBe(403);
    expect(response.headers.get("www-authenticate")).toBe(
      `Bearer error="insufficient_scope", error_description="the token does not grant jenkins:read, which every request needs", scope="jenkins:read", resource_metadata="${metadataUrl()}"`,
    );
  });
});

describe("the person and their groups are who the policy, actAs and the audit trail see", () => {
  it("refuses by policy what a group may not do, naming the person in the audit trail", async () => {
    const token = await idp.issueToken(CAROL, server.url, EVERY_SCOPE);
    const client = await connect("v2-modern", server.url, token);
    try {
      const requests = await jenkinsRequestsDuring(async () => {
        const refused = await client.callTool("triggerBuild", { jobFullName: "hello" });
        expect(refused.isError).toBe(true);
        expect(JSON.stringify(refused.content)).toContain(
          `no policy rule allows client \\"user:${CAROL}\\" to trigger hello`,
        );
      });
      expect(requests.filter((request) => request.method === "POST")).toEqual([]);
      expect(auditLines()).toContainEqual(
        expect.objectContaining({ client: `user:${CAROL}`, tool: "triggerBuild", outcome: "denied" }),
      );
    } finally {
      await client.close();
    }
  });

  it("acts as the Jenkins user an actAs rule names for the person's group", async () => {
    const token = await idp.issueToken(CAROL, server.url, ["jenkins:read"]);
    const client = await connect("v2-modern", server.url, token);
    try {
      const who = await client.callTool("whoAmI", {});
      expect(who.structuredContent).toMatchObject({ user: "reader", client: `user:${CAROL}` });
    } finally {
      await client.close();
    }
  });

  it("keeps static tokens working beside OAuth, under their own client name", async () => {
    const client = await connect("v2-modern", server.url, TOKEN);
    try {
      const who = await client.callTool("whoAmI", {});
      expect(who.structuredContent).toMatchObject({ client: "default", user: "admin" });
    } finally {
      await client.close();
    }
  });
});

describe("opaque tokens, checked by introspection (RFC 7662)", () => {
  let opaqueIdp: SandboxIdentityProvider;
  let introspecting: TestServer;

  beforeAll(async () => {
    opaqueIdp = await SandboxIdentityProvider.start({ accessTokenFormat: "opaque" });
    introspecting = await startServer(jenkins.url, {
      MCP_OAUTH_ISSUER: opaqueIdp.issuer,
      MCP_OAUTH_INTROSPECTION_CLIENT_ID: INTROSPECTION_CLIENT.clientId,
      MCP_OAUTH_INTROSPECTION_SECRET: INTROSPECTION_CLIENT.clientSecret,
      JENKINS_MCP_TOOLSETS: "all",
    });
  });

  afterAll(async () => {
    await introspecting?.close();
    await opaqueIdp?.close();
  });

  it("accepts an active token for this resource, as the person it names", async () => {
    const token = await opaqueIdp.issueToken(ALICE, introspecting.url, ["jenkins:read"]);
    expect(token.split(".")).toHaveLength(1);
    const client = await connect("v2-modern", introspecting.url, token);
    try {
      const who = await client.callTool("whoAmI", {});
      expect(who.structuredContent).toMatchObject({ client: `user:${ALICE}` });
    } finally {
      await client.close();
    }
  });

  it.each([
    [
      "one for another resource",
      () => opaqueIdp.issueToken(ALICE, "https://other.example.com/mcp", ["jenkins:read"]),
      /not this server/,
    ],
    ["one the provider never issued", async () => "never-issued-0123456789abcdefghij", /not active/],
  ])("refuses %s with 401 invalid_token", async (_name, make, reason) => {
    const response = await fetch(introspecting.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...bearer(await make()) },
      body: INITIALIZE,
    });
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toMatch(reason);
  });
});

/** The token with its payload changed (bob's read becomes every scope) and the signature kept. */
function tamper(token: string): string {
  const [header, payload, signature] = token.split(".");
  const claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString()) as Record<string, unknown>;
  const changed = Buffer.from(JSON.stringify({ ...claims, scope: EVERY_SCOPE.join(" ") })).toString(
    "base64url",
  );
  return `${header}.${changed}.${signature}`;
}

/** The token's claims with `alg: none` and no signature. */
function unsigned(token: string): string {
  const [, payload] = token.split(".");
  return `${Buffer.from(JSON.stringify({ alg: "none", typ: "at+jwt" })).toString("base64url")}.${payload}.`;
}

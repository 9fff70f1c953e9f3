import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, helpText, loadConfig, parseCli } from "../src/config.js";

const base = {
  JENKINS_URL: "https://ci.example.com/jenkins",
  JENKINS_USER: "alice",
  JENKINS_API_TOKEN: "t0k3n",
};

function secretFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-")), "secret");
  writeFileSync(file, content);
  return file;
}

describe("loadConfig", () => {
  it("keeps the path prefix and adds the trailing slash", () => {
    const config = loadConfig(base);
    expect(config.jenkins?.url).toBe("https://ci.example.com/jenkins/");
    expect(config.jenkins?.auth).toEqual({ kind: "apiToken", user: "alice", token: "t0k3n" });
    expect(config.jenkins?.timeoutMs).toBe(30_000);
    expect(config.jenkins?.tlsInsecure).toBe(false);
    expect(config.logLevel).toBe("info");
  });

  it.each([
    [{}, /JENKINS_URL is required/],
    [{ JENKINS_URL: "ftp://ci" }, /JENKINS_URL must start with http/],
    [{ JENKINS_URL: "not a url" }, /JENKINS_URL is not a valid URL/],
    [{ JENKINS_URL: "https://bob:pw@ci" }, /must not contain credentials/],
    [{ ...base, JENKINS_TIMEOUT_MS: "soon" }, /JENKINS_TIMEOUT_MS must be a number/],
    [{ ...base, JENKINS_TIMEOUT_MS: "5" }, /JENKINS_TIMEOUT_MS must be at least 100/],
    [{ ...base, JENKINS_TLS_INSECURE: "maybe" }, /JENKINS_TLS_INSECURE must be true or false/],
    [{ ...base, LOG_LEVEL: "loud" }, /LOG_LEVEL must be one of/],
    [{ ...base, JENKINS_PASSWORD: "pw" }, /either JENKINS_API_TOKEN or JENKINS_PASSWORD/],
    [{ JENKINS_URL: "http://ci", JENKINS_API_TOKEN: "t" }, /JENKINS_USER is required/],
    [{ JENKINS_URL: "http://ci", JENKINS_USER: "alice" }, /no secret: set JENKINS_API_TOKEN/],
    [
      { ...base, JENKINS_CA_FILE: "/nonexistent/ca.pem" },
      /JENKINS_CA_FILE names a file that cannot be read \(ENOENT\)/,
    ],
    [{ JENKINS_URL: "http://ci", HTTPS_PROXY: "proxy:3128" }, /HTTPS_PROXY/],
  ])("refuses %j with one sentence naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    expect(() => loadConfig(env)).toThrowError(message);
  });

  it("never puts a secret into an error message", () => {
    const env = { ...base, JENKINS_PASSWORD: "hunter2-secret" };
    expect(() => loadConfig(env)).toThrowError(ConfigError);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain("hunter2-secret");
      expect((error as Error).message).not.toContain("t0k3n");
    }
  });

  it("reads secrets from files, trimmed, for containers", () => {
    const config = loadConfig({
      JENKINS_URL: "http://ci",
      JENKINS_USER: "bob",
      JENKINS_PASSWORD_FILE: secretFile("pw\n"),
    });
    expect(config.jenkins?.auth).toEqual({ kind: "password", user: "bob", password: "pw" });
    expect(() => loadConfig({ ...base, JENKINS_API_TOKEN_FILE: secretFile("x") })).toThrowError(/not both/);
  });

  it("treats empty variables as unset and allows anonymous access", () => {
    const config = loadConfig({ JENKINS_URL: "http://ci:8080", JENKINS_USER: "", JENKINS_API_TOKEN: " " });
    expect(config.jenkins?.auth).toEqual({ kind: "anonymous" });
  });

  it("reads how Jenkins is spared: the request budget and the reuse of reads", () => {
    expect(loadConfig(base).traffic).toEqual({
      shareReads: true,
      maxConcurrent: 16,
      maxWaiting: 200,
      reuseMs: 2000,
    });
    const set = {
      JENKINS_SHARE_READS: "false",
      JENKINS_MAX_CONCURRENT: "4",
      JENKINS_MAX_WAITING: "0",
      JENKINS_READ_REUSE_MS: "0",
    };
    expect(loadConfig({ ...base, ...set }).traffic).toEqual({
      shareReads: false,
      maxConcurrent: 4,
      maxWaiting: 0,
      reuseMs: 0,
    });
    expect(() => loadConfig({ ...base, JENKINS_MAX_CONCURRENT: "0" })).toThrowError(
      /JENKINS_MAX_CONCURRENT must be at least 1/,
    );
    expect(() => loadConfig({ ...base, JENKINS_READ_REUSE_MS: "soon" })).toThrowError(
      /JENKINS_READ_REUSE_MS must be a number/,
    );
  });

  it("takes a shared Redis for rate caps, its password from a file, and refuses a password in the URL", () => {
    const config = loadConfig({
      ...base,
      MCP_REDIS_URL: "rediss://jenkins-mcp@cache.example.com:6380/2",
      MCP_REDIS_PASSWORD_FILE: secretFile("s3cret\n"),
    });
    expect(config.guard.rateStore).toEqual({
      url: "rediss://jenkins-mcp@cache.example.com:6380/2",
      password: "s3cret",
    });
    expect(loadConfig(base).guard.rateStore).toBeUndefined();
    for (const [env, message] of [
      [{ MCP_REDIS_URL: "redis://:pw@cache:6379" }, /MCP_REDIS_URL must not contain a password/],
      [{ MCP_REDIS_URL: "http://cache:6379" }, /MCP_REDIS_URL must be like redis:\/\/host:6379/],
      [{ MCP_REDIS_PASSWORD: "pw" }, /MCP_REDIS_PASSWORD is set but MCP_REDIS_URL is not/],
      [
        { MCP_REDIS_URL: "rediss://cache", MCP_REDIS_CA_FILE: "/nonexistent/ca.pem" },
        /MCP_REDIS_CA_FILE names a file that cannot be read \(ENOENT\)/,
      ],
    ] as const) {
      expect(() => loadConfig({ ...base, ...env })).toThrowError(ConfigError);
      expect(() => loadConfig({ ...base, ...env })).toThrowError(message);
    }
  });

  it("honours proxies in either case", () => {
    const config = loadConfig({ ...base, https_proxy: "http://proxy:3128", NO_PROXY: "localhost" });
    expect(config.jenkins?.proxy).toEqual({ httpsProxy: "http://proxy:3128/", noProxy: "localhost" });
  });
});

describe("parseCli", () => {
  it("lets flags win over environment variables", () => {
    const action = parseCli(["--jenkins-url", "http://flag:8080", "--log-level", "debug"], base);
    expect(action.kind).toBe("serve");
    if (action.kind !== "serve") return;
    expect(action.config.jenkins?.url).toBe("http://flag:8080/");
    expect(action.config.logLevel).toBe("debug");
  });

  it("answers --help and --version without needing any setting", () => {
    expect(parseCli(["--help"], {})).toEqual({ kind: "help" });
    expect(parseCli(["--version"], {})).toEqual({ kind: "version" });
  });

  it("refuses unknown flags with a pointer to --help", () => {
    expect(() => parseCli(["--jenkins"], base)).toThrowError(/--help/);
  });

  it("lists every environment variable in --help", () => {
    const help = helpText("1.2.3");
    for (const name of [
      "JENKINS_URL",
      "JENKINS_USER",
      "JENKINS_API_TOKEN",
      "JENKINS_PASSWORD_FILE",
      "LOG_FILE",
    ]) {
      expect(help).toContain(name);
    }
  });

  it("shows in --help the default each setting takes when unset", () => {
    const help = helpText("1.2.3");
    expect(help).toMatch(/ JENKINS_TIMEOUT_MS +Timeout .* \(default 30000\)\n/);
    expect(help).toMatch(/--read-only +JENKINS_MCP_READ_ONLY +Offer .* \(default false\)\n/);
    expect(help).toMatch(/ JENKINS_USER +Jenkins user id \(anonymous\)\n/);
  });
});

describe("OAuth settings", () => {
  const oauth = { ...base, MCP_TRANSPORT: "http", MCP_OAUTH_ISSUER: "https://login.example.com/realms/ci" };

  it("takes the issuer, with defaults for the rest, and lets a non-loopback listener serve with it alone", () => {
    const config = loadConfig({
      ...oauth,
      MCP_HOST: "0.0.0.0",
      MCP_OAUTH_RESOURCE: "https://mcp.example.com/mcp",
    });
    expect(config.http.oauth).toEqual({
      issuers: ["https://login.example.com/realms/ci"],
      resource: "https://mcp.example.com/mcp",
      scopePrefix: "jenkins:",
      userClaim: "sub",
      groupsClaim: "groups",
      algorithms: ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"],
      clockSkewSeconds: 30,
    });
    expect(loadConfig(base).http.oauth).toBeUndefined();
  });

  it("reads the introspection secret from a file", () => {
    const config = loadConfig({
      ...oauth,
      MCP_OAUTH_INTROSPECTION_CLIENT_ID: "jenkins-mcp",
      MCP_OAUTH_INTROSPECTION_SECRET_FILE: secretFile("s3cret\n"),
      MCP_OAUTH_AUDIENCE: "api://jenkins, https://mcp.example.com/mcp",
    });
    expect(config.http.oauth?.introspection).toEqual({ clientId: "jenkins-mcp", clientSecret: "s3cret" });
    expect(config.http.oauth?.audiences).toEqual(["api://jenkins", "https://mcp.example.com/mcp"]);
  });

  it.each([
    [
      { MCP_OAUTH_ISSUER: "login.example.com" },
      /MCP_OAUTH_ISSUER: "login.example.com" is not an http\(s\) URL/,
    ],
    [{ MCP_OAUTH_ISSUER: "https://idp/#x" }, /without query or fragment/],
    [{ MCP_OAUTH_ALGORITHMS: "none" }, /MCP_OAUTH_ALGORITHMS takes RS256.*never none/],
    [{ MCP_OAUTH_ALGORITHMS: "HS256" }, /never none or a shared secret/],
    [{ MCP_OAUTH_CLOCK_SKEW_S: "3600" }, /MCP_OAUTH_CLOCK_SKEW_S must be at most 300/],
    [{ MCP_OAUTH_SCOPE_PREFIX: 'a "b' }, /MCP_OAUTH_SCOPE_PREFIX holds no spaces/],
    [{ MCP_OAUTH_INTROSPECTION_CLIENT_ID: "jenkins-mcp" }, /Set both MCP_OAUTH_INTROSPECTION_CLIENT_ID and/],
    [{ MCP_HOST: "0.0.0.0" }, /MCP_OAUTH_RESOURCE is required when MCP_HOST 0.0.0.0 is not a loopback/],
    [
      { MCP_OAUTH_ISSUER: "", MCP_OAUTH_RESOURCE: "https://mcp/mcp" },
      /MCP_OAUTH_RESOURCE is set but MCP_OAUTH_ISSUER is not/,
    ],
  ])("refuses %j", (settings, message) => {
    expect(() => loadConfig({ ...oauth, ...settings })).toThrowError(message);
  });
});

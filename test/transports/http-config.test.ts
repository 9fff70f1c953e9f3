import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, helpText, isLoopbackHost, loadConfig, parseCli } from "../../src/config.js";

const base = { JENKINS_URL: "https://ci.example.com/" };
const TOKEN = "0123456789abcdef0123";

function tokensFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-")), "tokens");
  writeFileSync(file, content);
  return file;
}

describe("HTTP settings", () => {
  it("defaults to stdio, and to a safe HTTP setup", () => {
    const config = loadConfig(base);
    expect(config.transport).toBe("stdio");
    expect(config.http).toEqual({
      host: "127.0.0.1",
      port: 3000,
      stateless: false,
      tokens: [],
      allowUnauthenticated: false,
      maxBodyBytes: 1_048_576,
      requestTimeoutMs: 600_000,
      maxSessions: 1000,
      sessionIdleMs: 900_000,
      shutdownGraceMs: 60_000,
      shutdownDelayMs: 0,
    });
  });

  it("takes flags over their environment twins", () => {
    const action = parseCli(["--transport", "http", "--host", "::1", "--port", "8080", "--stateless"], {
      ...base,
      MCP_TRANSPORT: "stdio",
      MCP_PORT: "9",
    });
    expect(action.kind).toBe("serve");
    if (action.kind !== "serve") return;
    expect(action.config.transport).toBe("http");
    expect(action.config.http).toMatchObject({ host: "::1", port: 8080, stateless: true });
  });

  it("names the single token's client default", () => {
    const config = loadConfig({ ...base, MCP_AUTH_TOKEN: TOKEN });
    expect(config.http.tokens).toEqual([{ name: "default", token: TOKEN }]);
  });

  it("reads one client per line from the tokens file, skipping comments and blank lines", () => {
    const file = tokensFile(`# CI agents\nci-bot ${TOKEN}\n\n  alice   ${TOKEN}ff  \n`);
    const config = loadConfig({ ...base, MCP_AUTH_TOKENS_FILE: file });
    expect(config.http.tokens).toEqual([
      { name: "ci-bot", token: TOKEN },
      { name: "alice", token: `${TOKEN}ff` },
    ]);
  });

  it("parses origin and host allow-lists", () => {
    const config = loadConfig({
      ...base,
      MCP_ALLOWED_ORIGINS: "https://chat.example.com, http://localhost:6274",
      MCP_ALLOWED_HOSTS: "MCP.example.com,[::1]",
    });
    expect(config.http.allowedOrigins).toEqual(["https://chat.example.com", "http://localhost:6274"]);
    expect(config.http.allowedHosts).toEqual(["mcp.example.com", "[::1]"]);
  });

  it.each([
    [{ MCP_TRANSPORT: "websocket" }, /MCP_TRANSPORT must be stdio or http/],
    [{ MCP_PORT: "65536" }, /MCP_PORT must be at most 65535/],
    [{ MCP_PORT: "http" }, /MCP_PORT must be a number/],
    [{ MCP_MAX_BODY_BYTES: "10" }, /MCP_MAX_BODY_BYTES must be at least 1024/],
    [{ MCP_SESSION_IDLE_MS: "1.5" }, /MCP_SESSION_IDLE_MS must be a whole number/],
    [{ MCP_STATELESS: "sometimes" }, /MCP_STATELESS must be true or false/],
    [{ MCP_ALLOWED_ORIGINS: "chat.example.com" }, /MCP_ALLOWED_ORIGINS: "chat.example.com" is not an origin/],
    [{ MCP_ALLOWED_ORIGINS: "https://chat.example.com/app" }, /is not an origin/],
    [{ MCP_ALLOWED_HOSTS: "mcp.example.com:443" }, /MCP_ALLOWED_HOSTS takes host names without port/],
    [{ MCP_AUTH_TOKEN: "short" }, /MCP_AUTH_TOKEN: the token is shorter than 16 characters/],
    [{ MCP_AUTH_TOKEN: TOKEN, MCP_AUTH_TOKENS_FILE: "/x" }, /either MCP_AUTH_TOKEN or MCP_AUTH_TOKENS_FILE/],
    [
      { MCP_AUTH_TOKENS_FILE: "/nonexistent/tokens" },
      /MCP_AUTH_TOKENS_FILE names a file that cannot be read/,
    ],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig({ ...base, ...env })).toThrowError(ConfigError);
    expect(() => loadConfig({ ...base, ...env })).toThrowError(message);
  });

  it.each([
    [`alice ${TOKEN}\nbob ${TOKEN}\n`, /line 2: this token is already given to another client/],
    [`alice ${TOKEN}\nalice ${TOKEN}00\n`, /line 2: client name "alice" is used twice/],
    [`alice\n`, /line 1: expected "name token"/],
    [`alice ${TOKEN} extra\n`, /line 1: expected "name token"/],
    [`al/ice ${TOKEN}\n`, /line 1: client names use letters/],
    [`# nobody\n`, /names no client/],
  ])("refuses a tokens file with %j, never quoting the token", (content, message) => {
    const env = { ...base, MCP_AUTH_TOKENS_FILE: tokensFile(content) };
    expect(() => loadConfig(env)).toThrowError(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain(TOKEN);
    }
  });

  it("refuses to serve a non-loopback address without authentication", () => {
    const exposed = { ...base, MCP_TRANSPORT: "http", MCP_HOST: "0.0.0.0" };
    expect(() => loadConfig(exposed)).toThrowError(/not a loopback address: set MCP_AUTH_TOKEN/);
    expect(loadConfig({ ...exposed, MCP_AUTH_TOKEN: TOKEN }).http.host).toBe("0.0.0.0");
    expect(loadConfig({ ...exposed, MCP_ALLOW_UNAUTHENTICATED: "true" }).http.allowUnauthenticated).toBe(
      true,
    );
    expect(loadConfig({ ...base, MCP_HOST: "0.0.0.0" }).transport).toBe("stdio");
  });

  it.each([
    ["127.0.0.1", true],
    ["127.1.2.3", true],
    ["::1", true],
    ["[::1]", true],
    ["localhost", true],
    ["0.0.0.0", false],
    ["::", false],
    ["10.0.0.5", false],
    ["mcp.example.com", false],
  ])("isLoopbackHost(%s) is %s", (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it("lists every new setting in --help, with flags where they exist", () => {
    const help = helpText("1.0.0");
    for (const name of [
      "MCP_TRANSPORT",
      "MCP_AUTH_TOKENS_FILE",
      "MCP_SESSION_IDLE_MS",
      "MCP_SHUTDOWN_GRACE_MS",
    ]) {
      expect(help).toContain(name);
    }
    expect(help).toMatch(/--allow-unauthenticated\s+MCP_ALLOW_UNAUTHENTICATED/);
    expect(help).not.toMatch(/--auth-token/);
  });
});

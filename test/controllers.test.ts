import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app.js";
import { ConfigError, loadConfig } from "../src/config.js";
import { loadControllers, parseControllers } from "../src/controllers.js";

function file(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-controllers-")), name);
  writeFileSync(path, content);
  return path;
}

const defaults = loadConfig({ JENKINS_MCP_CONTROLLERS: "unused.yaml", HTTPS_PROXY: "http://proxy:3128" });
const env = { PROD_TOKEN: " prod-token \n" };

const parse = (text: string, variables: Record<string, string | undefined> = env) =>
  parseControllers(text, "controllers.yaml", defaults, variables);

describe("the controllers file", () => {
  it("names each controller with its URL, credentials and connection settings", () => {
    const stagingToken = file("staging", "staging-token\n");
    const { list, fanOut } = parse(
      [
        "controllers:",
        "  - name: prod",
        "    url: https://ci.example.com",
        "    user: mcp",
        "    tokenEnv: PROD_TOKEN",
        "  - name: staging",
        "    url: https://staging.example.com/jenkins",
        "    user: mcp",
        `    tokenFile: ${stagingToken}`,
        "    timeoutMs: 5000",
        "    tlsInsecure: true",
        "    proxy: { noProxy: staging.example.com }",
        "  - name: public",
        "    url: http://public.example.com:8080/",
        "fanOut: { concurrency: 2, timeoutMs: 3000 }",
      ].join("\n"),
    );
    expect(list).toEqual([
      {
        name: "prod",
        url: "https://ci.example.com/",
        auth: { kind: "apiToken", user: "mcp", token: "prod-token" },
        timeoutMs: 30_000,
        tlsInsecure: false,
        proxy: { httpsProxy: "http://proxy:3128/" },
      },
      {
        name: "staging",
        url: "https://staging.example.com/jenkins/",
        auth: { kind: "apiToken", user: "mcp", token: "staging-token" },
        timeoutMs: 5000,
        tlsInsecure: true,
        proxy: { noProxy: "staging.example.com" },
      },
      {
        name: "public",
        url: "http://public.example.com:8080/",
        auth: { kind: "anonymous" },
        timeoutMs: 30_000,
        tlsInsecure: false,
        proxy: { httpsProxy: "http://proxy:3128/" },
      },
    ]);
    expect(fanOut).toEqual({ concurrency: 2, timeoutMs: 3000 });
  });

  it.each([
    ["controllers: []", /line 1 \(controllers\): controllers must name at least one/],
    [
      "controllers:\n  - { name: prod, url: https://a/ }\n  - { name: prod, url: https://b/ }",
      /line 3: controller "prod" is named twice/,
    ],
    [
      "controllers:\n  - { name: Prod:1, url: https://a/ }",
      /line 2 \(controllers\.0\.name\): a controller name is a lowercase letter/,
    ],
    [
      "controllers:\n  - { name: prod, url: ftp://a/ }",
      /line 2 \(controllers\.0\.url\): url must start with http/,
    ],
    ["controllers:\n  - { name: prod }", /url is required/],
    [
      "controllers:\n  - name: prod\n    url: https://a/\n    user: mcp\n    token: abc",
      /line 5 \(controllers\.0\.token\): secrets are not written in the controllers file/,
    ],
    [
      "controllers:\n  - name: prod\n    url: https://a/\n    user: mcp\n    tokenEnv: MISSING",
      /line 5: tokenEnv names MISSING, which is not set/,
    ],
    [
      "controllers:\n  - name: prod\n    url: https://a/\n    user: mcp\n    tokenFile: /nonexistent/token",
      /line 5: tokenFile names a file that cannot be read \(ENOENT\)/,
    ],
    [
      "controllers:\n  - name: prod\n    url: https://a/\n    user: mcp",
      /line 4: controller "prod" names user mcp but no secret/,
    ],
    [
      "controllers:\n  - name: prod\n    url: https://a/\n    tokenEnv: PROD_TOKEN",
      /controller "prod" has a secret but no user/,
    ],
    ["controllers:\n  - { name: prod, url: https://a/, colour: blue }", /line 2 \(controllers\.0\.colour\)/],
    ["controllers:\n  - name: prod\n   url: x", /line 3: not valid YAML/],
  ])("refuses %j with its line", (text, message) => {
    expect(() => parse(text)).toThrowError(ConfigError);
    expect(() => parse(text)).toThrowError(message);
  });

  it("is read from JENKINS_MCP_CONTROLLERS, and never together with JENKINS_URL", () => {
    const path = file("controllers.yaml", "controllers:\n  - { name: prod, url: https://ci.example.com }\n");
    const config = loadConfig({ JENKINS_MCP_CONTROLLERS: path });
    expect(config.jenkins).toBeUndefined();
    expect(loadControllers(config, {}).list.map(({ name, url }) => ({ name, url }))).toEqual([
      { name: "prod", url: "https://ci.example.com/" },
    ]);
    expect(() => loadConfig({ JENKINS_MCP_CONTROLLERS: path, JENKINS_URL: "https://x/" })).toThrowError(
      /Set either JENKINS_URL .* or JENKINS_MCP_CONTROLLERS, not both/,
    );
    expect(() =>
      loadControllers(loadConfig({ JENKINS_MCP_CONTROLLERS: "/nonexistent.yaml" }), {}),
    ).toThrowError(/JENKINS_MCP_CONTROLLERS names a file that cannot be read \(ENOENT\)/);
  });

  it("makes JENKINS_URL the one controller when no file is given", () => {
    const config = loadConfig({ JENKINS_URL: "https://ci.example.com" });
    expect(loadControllers(config, {}).list).toEqual([{ name: "default", ...config.jenkins }]);
  });

  it("stops the server when a policy rule names a controller that is not configured", () => {
    const policy = file(
      "policy.yaml",
      'rules:\n  - { name: r, clients: ["*"], controllers: [qa], jobs: ["**"], allow: [read] }\n',
    );
    const config = loadConfig({ JENKINS_URL: "https://ci.example.com", JENKINS_MCP_POLICY: policy });
    expect(() => createApp(config)).toThrowError(
      /rules name controller qa, which is not configured; the controllers are default/,
    );
  });
});

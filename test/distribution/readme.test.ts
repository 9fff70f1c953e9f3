import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config.js";
import { MCP_PATH } from "../../src/transports/http/index.js";
import { ROOT, readJson } from "./support.js";

/** The install snippets are copied by hand into client configs: each must parse and mean what it says. */
interface ServerEntry {
  command?: string;
  args?: string[];
  env?: Record<string, string>;
  url?: string;
  headers?: Record<string, string>;
}

interface ClientConfig {
  mcpServers?: Record<string, ServerEntry>;
  servers?: Record<string, ServerEntry>;
  inputs?: { id: string; password?: boolean }[];
}

const readme = readFileSync(join(ROOT, "README.md"), "utf8");
const jsonBlocks = [...readme.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? "");
const settingNames = SETTINGS.map((setting) => setting.env);

function parsed(): ClientConfig[] {
  return jsonBlocks.map((block) => JSON.parse(block) as ClientConfig);
}

function serverEntries(config: ClientConfig): ServerEntry[] {
  return Object.values({ ...config.mcpServers, ...config.servers });
}

describe("README install snippets", () => {
  it("are valid JSON, every one of them", () => {
    expect(jsonBlocks.length).toBeGreaterThanOrEqual(6);
    for (const [index, block] of jsonBlocks.entries()) {
      expect(() => JSON.parse(block), `json block ${index + 1}:\n${block}`).not.toThrow();
    }
  });

  it("include mcp.json.example, itself valid JSON, as the Claude Desktop form", () => {
    const example = readJson("mcp.json.example");
    expect(parsed()).toContainEqual(example);
  });

  it("start jenkins-mcp with a Jenkins URL and only variables the server reads", () => {
    const local = parsed()
      .flatMap(serverEntries)
      .filter((entry) => entry.args?.includes("jenkins-mcp"));
    expect(local.length).toBeGreaterThanOrEqual(3);
    for (const entry of local) {
      expect(entry.env).toHaveProperty("JENKINS_URL");
      expect(Object.keys(entry.env ?? {}).filter((name) => !settingNames.includes(name))).toEqual([]);
    }
  });

  it("reach the remote server on its path with a bearer token", () => {
    const remote = parsed()
      .flatMap(serverEntries)
      .filter((entry) => entry.url);
    expect(remote.length).toBeGreaterThanOrEqual(2);
    for (const entry of remote) {
      expect(new URL(entry.url ?? "").pathname).toBe(MCP_PATH);
      expect(entry.headers?.Authorization).toMatch(/^Bearer \S+$/);
    }
  });

  it("ask VS Code for every input they use, secrets as passwords", () => {
    for (const config of parsed().filter((c) => c.servers)) {
      const used = [...JSON.stringify(config.servers).matchAll(/\$\{input:([\w-]+)\}/g)].map((m) => m[1]);
      for (const id of used) {
        expect(config.inputs?.find((input) => input.id === id)?.password, id).toBe(true);
      }
    }
  });
});

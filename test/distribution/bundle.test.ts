import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, sep } from "node:path";
import { getMcpConfigForManifest, type McpbManifestAny } from "@anthropic-ai/mcpb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SETTINGS } from "../../src/config.js";
import { cliEnv, connectStdio } from "../e2e/harness.js";
import {
  listToolNames,
  MCPB_CLI,
  packageJson,
  pathWithThisNode,
  ROOT,
  readJson,
  requireBuild,
  run,
  SLOW_MS,
} from "./support.js";

/**
 * manifest.json makes the MCP bundle that Claude Desktop installs in one click. Checked here: mcpb
 * accepts it, it agrees with package.json and the configuration module, its tool list is the
 * server's, and the bundle that scripts/bundle.mjs builds starts as Claude Desktop starts it.
 */
interface UserConfigOption {
  type: string;
  required?: boolean;
  sensitive?: boolean;
  default?: string | number | boolean;
}

interface Manifest {
  name: string;
  version: string;
  server: {
    type: string;
    entry_point: string;
    mcp_config: { command: string; args: string[]; env: Record<string, string> };
  };
  tools: { name: string }[];
  user_config: Record<string, UserConfigOption>;
  compatibility: { runtimes: { node: string } };
}

const manifest = readJson<Manifest>("manifest.json");
const { mcp_config: launch } = manifest.server;
const USER_CONFIG_REF = /\$\{user_config\.(\w+)\}/g;

let work: string;

beforeAll(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), "jenkins-mcp-bundle-test-"));
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the MCP bundle manifest", () => {
  it("passes mcpb validate", async () => {
    const { stdout } = await run(process.execPath, [MCPB_CLI, "validate", join(ROOT, "manifest.json")]);
    expect(stdout).toMatch(/validation passes/i);
  });

  it("names the package, version, Node range and entry point that package.json has", () => {
    expect(manifest).toMatchObject({ name: packageJson.name, version: packageJson.version });
    expect(manifest.compatibility.runtimes.node).toBe(packageJson.engines.node);
    expect(manifest.server.type).toBe("node");
    expect(manifest.server.entry_point).toBe(packageJson.bin["jenkins-mcp"]);
    expect(launch).toMatchObject({ command: "node", args: [`\${__dirname}/${manifest.server.entry_point}`] });
  });

  it("asks for the Jenkins URL, user and API token, keeping the token secret", () => {
    const options = manifest.user_config;
    expect(options.jenkins_url?.required).toBe(true);
    expect(options.jenkins_user).toBeDefined();
    expect(options.jenkins_api_token?.sensitive).toBe(true);
    // An optional value without a default reaches the server as the literal "${user_config.…}".
    for (const [key, option] of Object.entries(options)) {
      if (!option.required) expect(option.default, key).toBeDefined();
    }
  });

  it("sets only variables the server reads, from options it declares", () => {
    const settingNames = SETTINGS.map((setting) => setting.env);
    expect(Object.keys(launch.env).filter((name) => !settingNames.includes(name))).toEqual([]);
    const referenced = Object.values(launch.env).flatMap((value) =>
      [...value.matchAll(USER_CONFIG_REF)].map((match) => match[1]),
    );
    expect(referenced.filter((key) => !(key && key in manifest.user_config))).toEqual([]);
  });

  it("lists the tools the server offers by default", async () => {
    const session = await connectStdio(cliEnv("http://127.0.0.1:9/"));
    try {
      const served = await session.toolNames();
      expect(manifest.tools.map((tool) => tool.name).sort()).toEqual(served.sort());
    } finally {
      await session.close();
    }
  });
});

describe("the bundle scripts/bundle.mjs builds", () => {
  it(
    "unpacks into a server that starts as Claude Desktop starts it, with only the URL filled in",
    async () => {
      const bundle = join(work, "jenkins-mcp.mcpb");
      await run(process.execPath, [join(ROOT, "scripts", "bundle.mjs"), "--out", bundle], { cwd: ROOT });
      const unpacked = join(work, "unpacked");
      await run(process.execPath, [MCPB_CLI, "unpack", bundle, unpacked]);
      const config = await getMcpConfigForManifest({
        manifest: manifest as unknown as McpbManifestAny,
        extensionPath: unpacked,
        systemDirs: {},
        userConfig: { jenkins_url: "http://127.0.0.1:9/" },
        pathSeparator: sep,
      });
      expect(JSON.stringify(config)).not.toContain("${");
      const command = config?.command === "node" ? process.execPath : (config?.command ?? "");
      const env = { ...config?.env, PATH: pathWithThisNode(), LOG_LEVEL: "warn" };
      const tools = await listToolNames(command, config?.args ?? [], env);
      expect(tools).toEqual(manifest.tools.map((tool) => tool.name));
    },
    SLOW_MS,
  );
});

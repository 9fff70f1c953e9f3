import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Client } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export const run = promisify(execFile);

/** Installs and bundle builds run npm several times; on two busy cores that takes a while. */
export const SLOW_MS = 180_000;

export function readJson<T = Record<string, unknown>>(path: string): T {
  return JSON.parse(readFileSync(join(ROOT, path), "utf8")) as T;
}

export interface PackageJson {
  name: string;
  version: string;
  mcpName: string;
  bin: Record<string, string>;
  engines: { node: string };
  files: string[];
}

export const packageJson = readJson<PackageJson>("package.json");

/** A PATH on which `node` is the Node running the tests, for `#!/usr/bin/env node` scripts. */
export function pathWithThisNode(): string {
  return [dirname(process.execPath), process.env.PATH ?? ""].join(delimiter);
}

/** The tests run what `npm run build` produced; say so plainly when it is missing. */
export function requireBuild(): void {
  if (!existsSync(join(ROOT, "dist", "cli.js"))) {
    throw new Error("dist/cli.js is missing: run `npm run build` first (npm test does)");
  }
}

/** Starts a server over stdio as an MCP host would and returns the names of the tools it lists. */
export async function listToolNames(
  command: string,
  args: string[],
  env: Record<string, string>,
): Promise<string[]> {
  const client = new Client({ name: "jenkins-mcp-distribution", version: "1.0.0" });
  await client.connect(new StdioClientTransport({ command, args, env, stderr: "pipe" }));
  try {
    return (await client.listTools()).tools.map((tool) => tool.name);
  } finally {
    await client.close();
  }
}

/** The mcpb CLI of the devDependency, run with this Node. */
export const MCPB_CLI = join(ROOT, "node_modules", "@anthropic-ai", "mcpb", "dist", "cli", "cli.js");

#!/usr/bin/env node
// Builds the MCP bundle (.mcpb) for one-click install in Claude Desktop: the npm package's files
// (self-contained: dist/ bundles every runtime package) and manifest.json, zipped by the mcpb CLI. The bundle holds what
// `npm pack` ships, so it runs exactly what npx users run.
//
// Usage: npm run bundle                      (builds dist/ first)
//        node scripts/bundle.mjs [--out FILE] (dist/ already built; default .cache/jenkins-mcp-VERSION.mcpb)
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { packProject } from "./package-install.mjs";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The mcpb CLI of the devDependency, started with this Node: no PATH or npx lookup needed. */
function mcpbCli() {
  const home = join(ROOT, "node_modules", "@anthropic-ai", "mcpb");
  const { bin } = JSON.parse(readFileSync(join(home, "package.json"), "utf8"));
  return join(home, typeof bin === "string" ? bin : bin.mcpb);
}

function main() {
  const { values } = parseArgs({ options: { out: { type: "string" } } });
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const out = resolve(values.out ?? join(ROOT, ".cache", `jenkins-mcp-${version}.mcpb`));
  const work = mkdtempSync(join(tmpdir(), "jenkins-mcp-bundle-"));
  try {
    const { tarball } = packProject(ROOT, work);
    // tar ships with Linux, macOS and Windows 10+; the tarball unpacks into package/.
    execFileSync("tar", ["-xzf", tarball, "-C", work]);
    const stage = join(work, "package");
    copyFileSync(join(ROOT, "manifest.json"), join(stage, "manifest.json"));
    mkdirSync(dirname(out), { recursive: true });
    execFileSync(process.execPath, [mcpbCli(), "pack", stage, out], { stdio: "inherit" });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`Bundle: ${out}\n`);
}

main();

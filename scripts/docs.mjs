#!/usr/bin/env node
// Rewrites the generated parts of README.md (between <!-- NAME --> markers): the settings tables
// from src/config.ts and the table of tools from their definitions. Node 20 cannot load
// TypeScript, so esbuild bundles those modules in memory first. test/docs.test.ts fails while the
// README differs.
//
// Usage: npm run docs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const README = new URL("../README.md", import.meta.url);
const source = (path) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-docs-"));
const outfile = join(dir, "generators.mjs");
await build({
  stdin: {
    contents: `export { withSettingsTables } from ${source("../src/config.ts")};
export { withToolsTable } from ${source("../src/tools/reference.ts")};`,
    resolveDir: fileURLToPath(new URL("..", import.meta.url)),
    loader: "ts",
  },
  bundle: true,
  outfile,
  format: "esm",
  platform: "node",
  target: "node20.18",
  // Bundled CommonJS packages (yaml, pino) call require.
  banner: {
    js: 'import { createRequire } from "node:module"; const require = createRequire(import.meta.url);',
  },
  logLevel: "warning",
});
const { withSettingsTables, withToolsTable } = await import(pathToFileURL(outfile).href);
rmSync(dir, { recursive: true });

const readme = readFileSync(README, "utf8");
const updated = withToolsTable(withSettingsTables(readme));
if (updated === readme) {
  console.log("README.md: generated parts already up to date");
} else {
  writeFileSync(README, updated);
  console.log("README.md: generated parts rewritten");
}

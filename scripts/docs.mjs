#!/usr/bin/env node
// Rewrites the generated parts of README.md and docs/tools.md (between <!-- NAME --> markers): the
// settings tables from src/config.ts, the tables of tools and toolsets from their definitions. Node 20 cannot load
// TypeScript, so esbuild bundles those modules in memory first. test/docs.test.ts fails while the
// README differs.
//
// Usage: npm run docs
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const source = (path) => JSON.stringify(fileURLToPath(new URL(path, import.meta.url)));

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-docs-"));
const outfile = join(dir, "generators.mjs");
await build({
  stdin: {
    contents: `export { withSettingsTables } from ${source("../src/config.ts")};
export { withToolsetsTable, withToolsTable } from ${source("../src/tools/reference.ts")};`,
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
const { withSettingsTables, withToolsetsTable, withToolsTable } = await import(pathToFileURL(outfile).href);
rmSync(dir, { recursive: true });

rewrite("../README.md", (text) => withToolsTable(withSettingsTables(text)));
rewrite("../docs/tools.md", withToolsetsTable);

function rewrite(path, generate) {
  const file = new URL(path, import.meta.url);
  const text = readFileSync(file, "utf8");
  const updated = generate(text);
  if (updated !== text) writeFileSync(file, updated);
  console.log(
    `${fileURLToPath(file)}: ${updated === text ? "already up to date" : "generated parts rewritten"}`,
  );
}

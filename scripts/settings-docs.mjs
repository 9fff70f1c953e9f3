#!/usr/bin/env node
// Rewrites the settings tables of README.md, between <!-- settings:GROUP --> markers, from the table
// of settings in src/config.ts. Node 20 cannot load TypeScript, so esbuild bundles that module in
// memory first. test/config-docs.test.ts fails while the README differs.
//
// Usage: npm run docs:settings   (or node scripts/settings-docs.mjs)
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const README = new URL("../README.md", import.meta.url);

const { outputFiles } = await build({
  entryPoints: [fileURLToPath(new URL("../src/config.ts", import.meta.url))],
  bundle: true,
  write: false,
  format: "esm",
  platform: "node",
  target: "node20.18",
  logLevel: "warning",
});
const bundle = Buffer.from(outputFiles[0].contents).toString("base64");
const { withSettingsTables } = await import(`data:text/javascript;base64,${bundle}`);

const readme = readFileSync(README, "utf8");
const updated = withSettingsTables(readme);
if (updated === readme) {
  console.log("README.md: settings tables already up to date");
} else {
  writeFileSync(README, updated);
  console.log("README.md: settings tables rewritten");
}

#!/usr/bin/env node
// Builds dist/: src/cli.ts and the packages it uses bundled by esbuild into a few ES modules.
// Node then reads a handful of files at start instead of some 200 (zod alone loads 96, its locales
// among them, which tree shaking drops): spawn to the first tools/list answer went from 251 to
// 162-177 ms (`npm run bench -- --only cold-start`, issue #8). Modules loaded on demand (undici,
// the XML parser, the transport not in use) stay in chunks of their own, beside cli.js, so that
// src/version.ts finds package.json one level up from any of them.
// Types are checked by `npm run check` (tsc --noEmit); esbuild only strips them.
//
// Usage: npm run build   (or node scripts/build.mjs)
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const WIDE_CHARACTER = /[^\u0000-\u00ff]/gu;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  absWorkingDir: ROOT,
  entryPoints: ["src/cli.ts"],
  outdir: "dist",
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20.18",
  sourcemap: true,
  // Bundled CommonJS packages (pino, undici) call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __createRequire } from "node:module";\nconst require = __createRequire(import.meta.url);',
  },
  // The packages' licences ship with them: they stay dependencies, installed beside dist/.
  legalComments: "none",
  logLevel: "warning",
});

// V8 keeps a module's source in memory, one byte a character only if every character is Latin-1.
// esbuild escapes strings and regexes as ASCII but keeps comments as written, and a single "—" in a
// package's comment doubled the main chunk in memory (3.7 instead of 1.85 MB of idle RSS).
// Such characters become "?" (one per UTF-16 unit, so source map columns still hold).
for (const name of readdirSync(new URL("../dist", import.meta.url))) {
  if (!name.endsWith(".js")) continue;
  const file = new URL(`../dist/${name}`, import.meta.url);
  const source = readFileSync(file, "utf8");
  writeFileSync(
    file,
    source.replace(WIDE_CHARACTER, (character, offset) => standIn(source, character, offset)),
  );
}

function standIn(source, character, offset) {
  const lineStart = source.lastIndexOf("\n", offset) + 1;
  const before = source.slice(lineStart, offset).trimStart();
  if (!/^(\/\/|\/?\*)/.test(before) && !before.includes("//")) {
    throw new Error(
      `a character outside Latin-1 in code, not a comment: ${source.slice(lineStart, offset + 20)}`,
    );
  }
  return "?".repeat(character.length);
}

#!/usr/bin/env node
// Builds dist/: src/cli.ts and the packages it uses bundled by esbuild into a few ES modules.
// Node then reads a handful of files at start instead of some 200 (zod alone loads 96, its locales
// among them, which tree shaking drops): spawn to the first tools/list answer went from 251 to
// 162-177 ms (`npm run bench -- --only cold-start`, issue #8). Modules loaded on demand (undici,
// the XML parser, the transport not in use) stay in chunks of their own, beside cli.js, so that
// src/version.ts finds package.json one level up from any of them.
// Types are checked by `npm run check` (tsc --noEmit); esbuild only strips them.
// The bundle carries every runtime package, so the npm package depends on none (they are
// devDependencies) and ships their licences in dist/THIRD_PARTY_NOTICES.md, written here from the
// packages esbuild actually put in.
//
// Usage: npm run build   (or node scripts/build.mjs)
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const WIDE_CHARACTER = /[^\u0000-\u00ff]/gu;
const ROOT = fileURLToPath(new URL("..", import.meta.url));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const { metafile } = await build({
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
  // Their licences are in dist/THIRD_PARTY_NOTICES.md, whole, rather than scattered comments.
  legalComments: "none",
  metafile: true,
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

writeFileSync(new URL("../dist/THIRD_PARTY_NOTICES.md", import.meta.url), notices(metafile));

/** Every package with a module in the bundle, and its licence texts. */
function notices(meta) {
  const dirs = new Set();
  for (const input of Object.keys(meta.inputs)) {
    const match = /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (match) dirs.add(match[1]);
  }
  const sections = [...dirs]
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) }))
    .sort((a, b) => a.pkg.name.localeCompare(b.pkg.name) || a.pkg.version.localeCompare(b.pkg.version))
    .map(
      ({ dir, pkg }) => `## ${pkg.name} ${pkg.version} (${licenseOf(pkg)})\n\n${licenseTexts(dir, pkg)}\n`,
    );
  return [
    "# Third-party notices\n",
    "jenkins-mcp's `dist/` bundles the following packages; their licences follow.\n",
    ...sections,
  ].join("\n");
}

function licenseOf(pkg) {
  if (typeof pkg.license === "string") return pkg.license;
  return pkg.license?.type ?? pkg.licenses?.map((license) => license.type).join(" OR ") ?? "unknown";
}

/** The package's LICENSE, LICENCE, COPYING and NOTICE files, whole. */
function licenseTexts(dir, pkg) {
  const files = readdirSync(join(ROOT, dir)).filter((file) => /^(licen[cs]e|copying|notice)/i.test(file));
  if (files.length === 0) return noLicenseFile(pkg);
  return files
    .map((file) => `\`\`\`text\n${readFileSync(join(ROOT, dir, file), "utf8").trim()}\n\`\`\``)
    .join("\n\n");
}

/** What the package says of itself when it ships no licence text: its licence, author and source. */
function noLicenseFile(pkg) {
  const author = typeof pkg.author === "string" ? pkg.author : pkg.author?.name;
  const repository = typeof pkg.repository === "string" ? pkg.repository : pkg.repository?.url;
  return [
    `The package ships no licence file. Its package.json declares the licence ${licenseOf(pkg)}`,
    author ? `, author ${author}` : "",
    repository ? `, source ${repository}` : "",
    ".",
  ].join("");
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

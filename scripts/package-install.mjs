// Packs the project with npm and installs the result the way its users get it, for the MCP bundle
// (scripts/bundle.mjs) and the distribution tests. Installs are pinned to package-lock.json and read
// npm's cache first: after `npm ci` every dependency is there, so no registry round trip is needed.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";

/** npm is a .cmd shim on Windows, which only a shell can start. */
const SHELL = process.platform === "win32";

/** Only the cache, registry and user config carry over: an outer `npm test` sets npm_* that would redirect npm. */
function npmEnv() {
  const keep = new Set(["npm_config_cache", "npm_config_registry", "npm_config_userconfig"]);
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith("npm_") || keep.has(key)),
  );
}

function npm(args, cwd) {
  return execFileSync("npm", args, {
    cwd,
    env: npmEnv(),
    encoding: "utf8",
    shell: SHELL,
    stdio: ["ignore", "pipe", "pipe"],
  });
}

function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}

/** Packs `root` into `destination` without lifecycle scripts (build dist/ first); returns the tarball and its files. */
export function packProject(root, destination) {
  const [packed] = JSON.parse(
    npm(["pack", "--json", "--ignore-scripts", "--pack-destination", destination], root),
  );
  return {
    tarball: join(destination, packed.filename),
    files: packed.files.map((file) => file.path),
    name: packed.name,
    version: packed.version,
  };
}

/** Installs the tarball as the only dependency of a new project in `dir`, as `npm install jenkins-mcp` does. */
export function installTarball(root, tarball, dir) {
  const pkg = readJson(join(root, "package.json"));
  const spec = `file:${relative(dir, tarball).replaceAll("\\", "/")}`;
  const manifest = { name: "jenkins-mcp-install", private: true, dependencies: { [pkg.name]: spec } };
  const self = { ...publishedFields(pkg), resolved: spec };
  writeInstall(root, dir, manifest, { [`node_modules/${pkg.name}`]: self });
}

/** What a lockfile records of a package; development fields are dropped so `npm ci` checks only these. */
function publishedFields(pkg) {
  const { version, license, bin, engines, dependencies } = pkg;
  return { version, license, bin, engines, dependencies };
}

function writeInstall(root, dir, manifest, extra) {
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  const lock = productionLock(root, { name: manifest.name, ...publishedFields(manifest) }, extra);
  writeFileSync(join(dir, "package-lock.json"), `${JSON.stringify(lock, null, 2)}\n`);
  npm(["ci", "--omit=dev", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], dir);
}

/**
 * A lockfile holding the project's production dependencies at the versions it is tested with. Each
 * gets its registry URL (the project's lock may omit it) so npm finds the tarball in its cache by
 * URL and integrity without asking the registry for package metadata.
 */
function productionLock(root, manifest, extra) {
  const registry = npm(["config", "get", "registry"], root).trim().replace(/\/?$/, "/");
  const packages = { "": manifest, ...extra };
  for (const [path, entry] of Object.entries(readJson(join(root, "package-lock.json")).packages)) {
    if (path === "" || entry.dev || entry.link) continue;
    const name = path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length);
    const tarballName = `${name.split("/").pop()}-${entry.version}.tgz`;
    packages[path] = { resolved: `${registry}${name}/-/${tarballName}`, ...entry };
  }
  return { name: manifest.name, lockfileVersion: 3, requires: true, packages };
}

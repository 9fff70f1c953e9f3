// The npm registry reachable here serves only the Linux builds of @biomejs/biome's platform
// packages, so `npm install` leaves the others out of package-lock.json, and `npm ci` then refuses
// the lock as out of sync. This adds the missing optional entries (never installed on Linux, so
// never fetched). `--check` only reports, for `npm run check`.
import { readFileSync, writeFileSync } from "node:fs";

const LOCK = new URL("../package-lock.json", import.meta.url);
const PLATFORMS = {
  "android-arm64": { os: "android", cpu: "arm64" },
  "android-x64": { os: "android", cpu: "x64" },
  "darwin-arm64": { os: "darwin", cpu: "arm64" },
  "darwin-x64": { os: "darwin", cpu: "x64" },
  "linux-arm64": { os: "linux", cpu: "arm64", libc: "glibc" },
  "linux-arm64-musl": { os: "linux", cpu: "arm64", libc: "musl" },
  "linux-x64": { os: "linux", cpu: "x64", libc: "glibc" },
  "linux-x64-musl": { os: "linux", cpu: "x64", libc: "musl" },
  "win32-arm64": { os: "win32", cpu: "arm64" },
  "win32-x64": { os: "win32", cpu: "x64" },
};

const lock = JSON.parse(readFileSync(LOCK, "utf8"));
const packages = lock.packages;
const biome = packages["node_modules/@biomejs/biome"];
const missing = Object.keys(PLATFORMS).filter((name) => !packages[`node_modules/@biomejs/cli-${name}`]);
if (process.argv.includes("--check")) {
  if (biome && missing.length > 0) {
    console.error(
      `package-lock.json lacks @biomejs/cli-${missing.join(", cli-")}: run node scripts/complete-lock.mjs`,
    );
    process.exit(1);
  }
  process.exit(0);
}
for (const name of missing) {
  const { os, cpu, libc } = PLATFORMS[name];
  packages[`node_modules/@biomejs/cli-${name}`] = {
    version: biome.version,
    cpu: [cpu],
    dev: true,
    ...(libc ? { libc: [libc] } : {}),
    license: "MIT OR Apache-2.0",
    optional: true,
    os: [os],
    engines: { node: ">=14.21.3" },
  };
}
lock.packages = Object.fromEntries(
  Object.entries(packages).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a < b ? -1 : 1)),
);
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(
  missing.length ? `added @biomejs/cli-${missing.join(", cli-")}` : "package-lock.json is complete",
);

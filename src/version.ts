import { readFileSync } from "node:fs";

/** Name and version from package.json, which sits one level above both src/ and dist/. */
export const packageInfo: { name: string; version: string } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
);

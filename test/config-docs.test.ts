import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS, withSettingsTables } from "../src/config.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");

describe("settings tables in README.md", () => {
  it("are the ones src/config.ts generates", () => {
    expect(readme, "README.md settings tables are out of date: run npm run docs:settings").toBe(
      withSettingsTables(readme),
    );
  });

  it("document every setting", () => {
    for (const { env } of SETTINGS) expect(readme).toContain(`| \`${env}\` |`);
  });
});

describe("withSettingsTables", () => {
  const blocks = "<!-- settings:configuration -->\nstale table\n<!-- /settings:configuration -->\n";
  const both = `Intro\n${blocks}Between\n${blocks.replaceAll("configuration", "http")}End\n`;

  it("replaces only what is between the markers", () => {
    const updated = withSettingsTables(both);
    expect(updated).not.toContain("stale table");
    expect(updated).toMatch(/^Intro\n<!-- settings:configuration -->\n\| Variable \| Flag \|/);
    expect(updated).toMatch(/\|\n<!-- \/settings:configuration -->\nBetween\n<!-- settings:http -->\n/);
    expect(updated).toMatch(/\|\n<!-- \/settings:http -->\nEnd\n$/);
    expect(withSettingsTables(updated)).toBe(updated);
  });

  it("shows a flag, and a default from the schema or in words", () => {
    const updated = withSettingsTables(both);
    expect(updated).toContain("| `JENKINS_TIMEOUT_MS` | | `30000` |");
    expect(updated).toContain("| `JENKINS_URL` | `--jenkins-url` | (required) |");
    expect(updated).toContain("| `JENKINS_MCP_EXCLUDE_TOOLS` | `--exclude-tools` | | Never offer");
  });

  it("refuses a document that lacks a group's markers", () => {
    expect(() => withSettingsTables(blocks)).toThrowError(
      "No <!-- settings:http --> ... <!-- /settings:http --> block",
    );
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SETTINGS, withSettingsTables } from "../src/config.js";
import { allTools } from "../src/tools/index.js";
import { withToolsetsTable, withToolsTable } from "../src/tools/reference.js";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const toolReference = readFileSync(new URL("../docs/tools.md", import.meta.url), "utf8");

describe("the generated parts of README.md", () => {
  it("are the ones the settings and the tool definitions make", () => {
    expect(readme, "README.md is out of date: run npm run docs").toBe(
      withToolsTable(withSettingsTables(readme)),
    );
  });

  it("list every tool", () => {
    for (const { name } of allTools) expect(readme).toContain(`| \`${name}\` |`);
  });

  it("document every setting", () => {
    for (const { env } of SETTINGS) expect(readme).toContain(`| \`${env}\` |`);
  });
});

/** The parameters a reference heading gives each tool: `## getJobs \`{parentFullName?, skip = 0}\``. */
function headingParameters(markdown: string): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const heading of markdown.match(/^##+ .*$/gm) ?? []) {
    for (const [, name, list] of heading.matchAll(/(\w+) `\{([^}]*)\}`/g)) {
      const names = (list ?? "")
        .replace(/"[^"]*"|\([^)]*\)/g, "")
        .split(/[,|]/)
        .map((part) => part.replace(/[?=].*$/, "").trim())
        .filter(Boolean);
      found.set(name ?? "", names);
    }
  }
  return found;
}

describe("docs/tools.md", () => {
  const headings = headingParameters(toolReference);

  it("lists the toolsets as their definitions make them", () => {
    expect(toolReference, "docs/tools.md is out of date: run npm run docs").toBe(
      withToolsetsTable(toolReference),
    );
  });

  it.each(allTools.map((tool) => [tool.name, tool] as const))(
    "documents %s with its parameters",
    (name, tool) => {
      expect(headings.get(name), `docs/tools.md has no heading for ${name}`).toBeDefined();
      expect([...(headings.get(name) ?? [])].sort()).toEqual(Object.keys(tool.inputSchema.shape).sort());
    },
  );
});

describe("withSettingsTables", () => {
  const blocks = "<!-- settings:configuration -->\nstale table\n<!-- /settings:configuration -->\n";
  const both = `Intro\n${blocks}Between\n${blocks.replaceAll("configuration", "http")}End\n${blocks.replaceAll("configuration", "oauth")}`;

  it("replaces only what is between the markers", () => {
    const updated = withSettingsTables(both);
    expect(updated).not.toContain("stale table");
    expect(updated).toMatch(/^Intro\n<!-- settings:configuration -->\n\| Variable \| Flag \|/);
    expect(updated).toMatch(/\|\n<!-- \/settings:configuration -->\nBetween\n<!-- settings:http -->\n/);
    expect(updated).toMatch(/\|\n<!-- \/settings:http -->\nEnd\n<!-- settings:oauth -->\n/);
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

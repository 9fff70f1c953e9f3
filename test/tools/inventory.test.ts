import { describe, expect, it } from "vitest";
import { ConfigError, helpText } from "../../src/config.js";
import { allTools } from "../../src/tools/index.js";
import { selectTools } from "../../src/tools/inventory.js";
import { TOOLSET_WORDS, TOOLSETS } from "../../src/tools/toolsets.js";
import { MISSION_TOOLS } from "../support/mission.js";

const names = (selection: Parameters<typeof selectTools>[1]) =>
  selectTools(allTools, selection).map((tool) => tool.name);

describe("tool selection", () => {
  it("offers the core tools by default", () => {
    expect(names({ readOnly: false, exclude: [] })).toEqual(expect.arrayContaining([...MISSION_TOOLS]));
    expect(names({ readOnly: false, exclude: [] })).toEqual(
      allTools.filter((tool) => tool.core).map((tool) => tool.name),
    );
  });

  it("drops every tool that is not read-only in read-only mode", () => {
    const readOnly = selectTools(allTools, { readOnly: true, exclude: [], toolsets: ["all"] });
    expect(readOnly.length).toBeGreaterThan(0);
    for (const tool of readOnly) expect(tool.annotations.readOnlyHint).toBe(true);
    expect(readOnly.map((tool) => tool.name)).not.toContain("triggerBuild");
  });

  it("offers exactly the listed tools, minus exclusions, still read-only when asked", () => {
    expect(names({ readOnly: false, only: ["getJob", "triggerBuild"], exclude: [] })).toEqual([
      "getJob",
      "triggerBuild",
    ]);
    expect(names({ readOnly: true, only: ["getJob", "triggerBuild"], exclude: [] })).toEqual(["getJob"]);
    expect(names({ readOnly: false, exclude: ["createJob"] })).not.toContain("createJob");
  });

  it("chooses by toolset", () => {
    expect(names({ readOnly: false, exclude: [], toolsets: ["logs"] })).toEqual(
      allTools.filter((tool) => tool.toolset === "logs").map((tool) => tool.name),
    );
  });

  it("adds toolsets to the default tools with default", () => {
    const chosen = names({ readOnly: false, exclude: [], toolsets: ["default", "logs"] });
    expect(chosen).toEqual(
      allTools.filter((tool) => tool.core || tool.toolset === "logs").map((tool) => tool.name),
    );
    expect(chosen).toContain("searchBuildLog");
    expect(chosen).toContain("triggerBuild");
    expect(names({ readOnly: false, exclude: [], toolsets: ["default"] })).toEqual(
      names({ readOnly: false, exclude: [] }),
    );
  });

  it("are all named in the help of --toolsets", () => {
    const help = helpText("0");
    const line = help.split("\n").find((text) => text.includes("JENKINS_MCP_TOOLSETS")) ?? "";
    for (const word of [...TOOLSETS.map((toolset) => toolset.id), ...TOOLSET_WORDS])
      expect(line).toContain(word);
  });

  it.each([
    [{ only: ["getJobz"] }, /JENKINS_MCP_TOOLS \(--tools\) names unknown getJobz; valid: getJob/],
    [{ exclude: ["nope"] }, /JENKINS_MCP_EXCLUDE_TOOLS/],
    [{ toolsets: ["jobz"] }, /JENKINS_MCP_TOOLSETS \(--toolsets\) names unknown jobz; valid: jobs, builds/],
  ])("refuses unknown names %j at start", (selection, message) => {
    expect(() => selectTools(allTools, { readOnly: false, exclude: [], ...selection })).toThrowError(
      ConfigError,
    );
    expect(() => selectTools(allTools, { readOnly: false, exclude: [], ...selection })).toThrowError(message);
  });
});

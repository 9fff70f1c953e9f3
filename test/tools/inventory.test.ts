import { describe, expect, it } from "vitest";
import { ConfigError, helpText } from "../../src/config.js";
import { allTools } from "../../src/tools/index.js";
import { selectTools } from "../../src/tools/inventory.js";
import { TOOLSET_WORDS, TOOLSETS } from "../../src/tools/toolsets.js";
import { MISSION_TOOLS } from "../support/mission.js";

const names = (selection: Parameters<typeof selectTools>[1]) =>
  selectTools(allTools, selection).map((tool) => tool.name);

/** The tools offered when none are chosen, in the order clients list them: the mission's, and two more. */
const DEFAULT_TOOLS = [
  "getJob",
  "getJobs",
  "createJob",
  "searchJobs",
  "getBuild",
  "triggerBuild",
  "getFailureSummary",
  "getBuildLog",
  "cancelQueueItem",
];

describe("tools that change Jenkins", () => {
  // An OAuth token is checked for the scope of the action a tool names: one that named none would
  // need only jenkins:read to change Jenkins.
  it("each name the policy action by which they do", () => {
    const unnamed = allTools.filter((tool) => !tool.annotations.readOnlyHint && tool.writes === undefined);
    expect(unnamed.map((tool) => tool.name)).toEqual([]);
  });
});

describe("tool selection", () => {
  it("offers the core tools by default", () => {
    expect(names({ readOnly: false, exclude: [] })).toEqual(DEFAULT_TOOLS);
    expect(DEFAULT_TOOLS).toEqual(expect.arrayContaining([...MISSION_TOOLS]));
  });

  it("offers every tool but those that change Jenkins in read-only mode", () => {
    expect(names({ readOnly: true, exclude: [], toolsets: ["all"] })).toEqual([
      "getJob",
      "getJobs",
      "searchJobs",
      "getJobScm",
      "findJobsBySource",
      "getBuild",
      "getBuilds",
      "getFailureSummary",
      "getTestResults",
      "getBuildChanges",
      "getBuildLog",
      "searchBuildLog",
      "getStageLog",
      "getQueueItem",
      "getQueue",
      "getPendingInputs",
      "validatePipeline",
      "getReplayScript",
      "whoAmI",
      "getStatus",
      "getNodes",
      "getRunningBuilds",
      "getArtifacts",
      "readArtifact",
      "getViews",
      "getViewJobs",
    ]);
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
    expect(names({ readOnly: false, exclude: [], toolsets: ["logs"] })).toEqual([
      "getBuildLog",
      "searchBuildLog",
      "getStageLog",
    ]);
  });

  it("adds toolsets to the default tools with default", () => {
    expect(names({ readOnly: false, exclude: [], toolsets: ["default", "logs"] })).toEqual([
      "getJob",
      "getJobs",
      "createJob",
      "searchJobs",
      "getBuild",
      "triggerBuild",
      "getFailureSummary",
      "getBuildLog",
      "searchBuildLog",
      "getStageLog",
      "cancelQueueItem",
    ]);
    expect(names({ readOnly: false, exclude: [], toolsets: ["default"] })).toEqual(DEFAULT_TOOLS);
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

import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport, type Tool } from "@modelcontextprotocol/server";
import { beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/logger.js";
import { buildServer } from "../../src/server.js";
import { allTools } from "../../src/tools/index.js";
import { selectTools } from "../../src/tools/inventory.js";
import { MISSION_TOOLS } from "../support/mission.js";
import { FakeJenkins } from "./fake-jenkins.js";

/** The public face of every tool, as a client lists it: the contract models and prompts rely on. */
let tools: Tool[];
let defaults: string[];

beforeAll(async () => {
  // Listing tools and prompts asks Jenkins nothing: a fake that holds no job is enough.
  const jenkins = new FakeJenkins([]).client;
  const logger = createLogger({ level: "silent" });
  const list = async (server: ReturnType<typeof buildServer>) => {
    const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
    const client = new Client({ name: "contract-test", version: "1.0.0" });
    await server.connect(serverTransport);
    await client.connect(clientTransport);
    const listed = (await client.listTools()).tools;
    await client.close();
    await server.close();
    return listed;
  };
  defaults = (await list(buildServer({ jenkins, logger }))).map((tool) => tool.name);
  const everyTool = selectTools(allTools, { readOnly: false, exclude: [], toolsets: ["all"] });
  tools = await list(buildServer({ jenkins, logger, tools: everyTool }));
});

describe("tool contracts", () => {
  it("offers the seven mission tools, searchJobs and getFailureSummary by default", () => {
    expect(defaults.sort()).toEqual([...MISSION_TOOLS, "searchJobs", "getFailureSummary"].sort());
  });

  it("keeps the default list, as a model is given it, within 6,000 bytes (issue #19; the bench row measures it)", () => {
    const shown = tools
      .filter((tool) => defaults.includes(tool.name))
      .map(({ name, description, inputSchema }) => ({ name, description, inputSchema }));
    expect(shown).toHaveLength(defaults.length);
    expect(Buffer.byteLength(JSON.stringify(shown))).toBeLessThanOrEqual(6000);
  });

  it("groups the others into toolsets", () => {
    expect(tools.map((tool) => tool.name).sort()).toEqual(
      [
        ...defaults,
        "getBuilds",
        "stopBuild",
        "rebuild",
        "getTestResults",
        "getBuildChanges",
        "updateBuild",
        "setJobEnabled",
        "getJobScm",
        "findJobsBySource",
        "searchBuildLog",
        "getStageLog",
        "getQueueItem",
        "getQueue",
        "getPendingInputs",
        "answerInput",
        "validatePipeline",
        "getReplayScript",
        "replayBuild",
        "whoAmI",
        "getStatus",
        "getNodes",
        "getRunningBuilds",
        "getArtifacts",
        "readArtifact",
        "getViews",
        "getViewJobs",
      ].sort(),
    );
  });

  it("gives every tool a unique name, a title, a description, annotations and an output schema", () => {
    expect(new Set(tools.map((tool) => tool.name)).size).toBe(tools.length);
    for (const tool of tools) {
      expect(tool.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.annotations?.readOnlyHint, tool.name).toBeTypeOf("boolean");
      expect(tool.outputSchema?.type, tool.name).toBe("object");
    }
  });

  it("keeps anyOf and oneOf out of the top level of input schemas (several clients reject them)", () => {
    for (const tool of tools) {
      expect(tool.inputSchema.type, tool.name).toBe("object");
      expect(Object.keys(tool.inputSchema), tool.name).not.toContain("anyOf");
      expect(Object.keys(tool.inputSchema), tool.name).not.toContain("oneOf");
    }
  });

  it("describes every input property for the model", () => {
    for (const tool of tools) {
      for (const [name, property] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((property as { description?: string }).description, `${tool.name}.${name}`).toBeTruthy();
      }
    }
  });

  it("marks exactly the tools that change Jenkins as not read-only, with honest hints", () => {
    const writers = tools.filter((tool) => !tool.annotations?.readOnlyHint).map((tool) => tool.name);
    expect(writers.sort()).toEqual([
      "answerInput",
      "cancelQueueItem",
      "createJob",
      "rebuild",
      "replayBuild",
      "setJobEnabled",
      "stopBuild",
      "triggerBuild",
      "updateBuild",
    ]);
    for (const tool of tools.filter((candidate) => !candidate.annotations?.readOnlyHint)) {
      expect(tool.annotations?.destructiveHint, tool.name).toBeTypeOf("boolean");
      expect(tool.annotations?.idempotentHint, tool.name).toBeTypeOf("boolean");
    }
  });

  it("says by which policy action each tool that is not read-only writes (its OAuth scope is asked for)", () => {
    for (const tool of allTools) {
      expect(tool.writes !== undefined, tool.name).toBe(!tool.annotations.readOnlyHint);
    }
  });

  it("matches the committed snapshot of each tool (change it on purpose, with the README)", async () => {
    for (const tool of tools) {
      const face = {
        name: tool.name,
        title: tool.title,
        description: tool.description,
        annotations: tool.annotations,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
      };
      await expect(`${JSON.stringify(face, null, 2)}\n`).toMatchFileSnapshot(
        `../__toolsnaps__/${tool.name}.snap.json`,
      );
    }
  });
});

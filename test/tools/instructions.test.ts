import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { describe, expect, it } from "vitest";
import type { ToolSelection } from "../../src/config.js";
import { createLogger } from "../../src/logger.js";
import { buildServer } from "../../src/server.js";
import { allTools } from "../../src/tools/index.js";
import { selectTools } from "../../src/tools/inventory.js";
import { TOOLSETS } from "../../src/tools/toolsets.js";
import { FakeJenkins } from "./fake-jenkins.js";

const ALL_NAMES = new Set(allTools.map((tool) => tool.name));

/** The tool names a text mentions: words that are the name of one of the server's tools. */
function toolsNamed(text: string): string[] {
  return (text.match(/\b[a-z]+[A-Z][A-Za-z]*\b/g) ?? []).filter((word) => ALL_NAMES.has(word));
}

const SELECTIONS: Array<[string, ToolSelection]> = [
  ["the default tools", { readOnly: false, exclude: [] }],
  ["read-only mode", { readOnly: true, exclude: [] }],
  ["read-only mode, every toolset", { readOnly: true, exclude: [], toolsets: ["all"] }],
  ["one tool", { readOnly: false, exclude: [], only: ["getBuild"] }],
  ...TOOLSETS.map(({ id }): [string, ToolSelection] => [
    `toolset ${id}`,
    { readOnly: false, exclude: [], toolsets: [id] },
  ]),
];

/** What a client sees of a server offering `selection`: capabilities, instructions, prompt texts. */
async function serverFor(selection: ToolSelection) {
  // Listing tools and prompts asks Jenkins nothing: a fake that holds no job is enough.
  const jenkins = new FakeJenkins([]).client;
  const tools = selectTools(allTools, selection);
  const server = buildServer({ jenkins, logger: createLogger({ level: "silent" }), tools });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "instructions-test", version: "1.0.0" });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
  const prompts = [];
  for (const prompt of (await client.listPrompts()).prompts) {
    const args = { jobFullName: "team/api", job: "deploy api", buildNumber: "4", parameters: "main" };
    const wanted = Object.fromEntries(
      (prompt.arguments ?? []).map((arg) => [arg.name, args[arg.name as keyof typeof args]]),
    );
    const got = await client.getPrompt({ name: prompt.name, arguments: wanted });
    prompts.push(
      got.messages.map((message) => (message.content.type === "text" ? message.content.text : "")).join("\n"),
    );
  }
  const seen = {
    offered: tools.map((tool) => tool.name),
    instructions: client.getInstructions() ?? "",
    capabilities: client.getServerCapabilities(),
    prompts,
  };
  await client.close();
  return seen;
}

describe.each(SELECTIONS)("a server offering %s", (_name, selection) => {
  it("never names a tool it does not offer, in its instructions or its prompts", async () => {
    const seen = await serverFor(selection);
    for (const text of [seen.instructions, ...seen.prompts]) {
      for (const tool of toolsNamed(text)) expect(seen.offered, text).toContain(tool);
    }
  });
});

describe("the instructions", () => {
  it("guide a model to the core tools it is offered", async () => {
    const seen = await serverFor({ readOnly: false, exclude: [] });
    expect(toolsNamed(seen.instructions)).toEqual([
      "getJob",
      "getJobs",
      "searchJobs",
      "getFailureSummary",
      "getBuildLog",
    ]);
    expect(seen.instructions).toMatch(/^Tools for one Jenkins server\. Jobs are named by full name/);
  });

  it("announce no list changes: the lists are fixed while the server runs", async () => {
    const { capabilities } = await serverFor({ readOnly: false, exclude: [], toolsets: ["all"] });
    expect(capabilities?.tools?.listChanged).toBe(false);
    expect(capabilities?.prompts?.listChanged).toBe(false);
    expect(capabilities?.resources?.listChanged).toBe(false);
  });
});

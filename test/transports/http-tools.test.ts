import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as V1Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as V1Transport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { Guard } from "../../src/guard/guard.js";
import { parsePolicy } from "../../src/guard/policy.js";
import { MISSION_TOOLS } from "../support/mission.js";
import {
  bearer,
  type ClientKind,
  connect,
  type ListedTool,
  MCP_HEADERS,
  startServer,
  startSimulator,
  type TestClient,
  type TestServer,
  type ToolResult,
} from "./harness.js";

let jenkins: JenkinsSimulator;

beforeAll(async () => {
  jenkins = await startSimulator();
});

afterAll(async () => {
  await jenkins?.close();
});

function ok(result: ToolResult): Record<string, unknown> {
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  expect(result.structuredContent).toBeDefined();
  return result.structuredContent ?? {};
}

/** Calls as an assistant would make them, with what each answer must say. */
const EXERCISES: Record<string, (client: TestClient) => Promise<void>> = {
  getJobs: async (client) => {
    const jobs = ok(await client.callTool("getJobs", { parentFullName: "team/backend" }));
    expect(jobs.jobs).toEqual(expect.arrayContaining([expect.objectContaining({ fullName: SEED_JOBS.api })]));
  },
  getJob: async (client) => {
    expect(ok(await client.callTool("getJob", { jobFullName: SEED_JOBS.api }))).toMatchObject({
      type: "pipeline",
    });
  },
  getBuild: async (client) => {
    const build = ok(await client.callTool("getBuild", { jobFullName: SEED_JOBS.api, buildNumber: 4 }));
    expect(build).toMatchObject({ number: 4, result: "FAILURE" });
  },
  getBuildLog: async (client) => {
    const log = ok(
      await client.callTool("getBuildLog", { jobFullName: SEED_JOBS.api, buildNumber: 4, limit: 5 }),
    );
    expect(JSON.stringify(log)).toContain("Finished: FAILURE");
  },
  triggerBuild: async (client) => {
    const built = ok(await client.callTool("triggerBuild", { jobFullName: "hello", waitFor: "finished" }));
    expect(built).toMatchObject({ state: "finished", result: "SUCCESS" });
  },
  cancelQueueItem: async (client) => {
    const queued = ok(await client.callTool("triggerBuild", { jobFullName: SEED_JOBS.slow }));
    const cancelled = ok(await client.callTool("cancelQueueItem", { queueItemId: queued.queueItemId }));
    expect(cancelled).toMatchObject({ cancelled: true });
  },
  createJob: async (client) => {
    const created = ok(
      await client.callTool("createJob", {
        jobFullName: `team/http-${client.kind}-${Date.now()}`,
        pipelineScript: "pipeline { agent any; stages { stage('b') { steps { echo 'hi' } } } }",
      }),
    );
    expect(created).toMatchObject({ type: "pipeline" });
  },
};

/** Arguments that fit a tool's input schema, naming the seeded job `hello` wherever a string goes. */
function sampleArguments(tool: ListedTool): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const name of tool.inputSchema.required ?? []) {
    const type = tool.inputSchema.properties?.[name]?.type;
    const first = Array.isArray(type) ? type[0] : type;
    args[name] = first === "integer" || first === "number" ? 1 : first === "boolean" ? false : "hello";
  }
  return args;
}

/**
 * Every tool the server lists, called over HTTP. Tools without an exercise above are called with
 * sample arguments: the answer, success or a refusal the model can read, proves the transport
 * carries them; what they say is for their own tests.
 */
async function exerciseEveryTool(client: TestClient): Promise<void> {
  const tools = await client.tools();
  expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining([...MISSION_TOOLS]));
  for (const tool of tools) {
    const exercise = EXERCISES[tool.name];
    if (exercise) {
      await exercise(client);
      continue;
    }
    const result = await client.callTool(tool.name, sampleArguments(tool));
    expect(result.content, tool.name).toEqual(
      expect.arrayContaining([expect.objectContaining({ type: "text" })]),
    );
    if (!result.isError) expect(result.structuredContent, tool.name).toBeDefined();
  }
}

describe.each(["sessions", "stateless"] as const)("%s mode", (mode) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startServer(jenkins.url, mode === "stateless" ? { MCP_STATELESS: "true" } : {});
  });

  afterAll(async () => {
    await server?.close();
  });

  it.each(["v2-modern", "v2-legacy", "v1"] satisfies ClientKind[])(
    "every tool works for a %s client",
    async (kind) => {
      const client = await connect(kind, server.url);
      try {
        const sessionful = mode === "sessions" && kind !== "v2-modern";
        expect(client.sessionId() !== undefined).toBe(sessionful);
        await exerciseEveryTool(client);
      } finally {
        await client.close();
      }
    },
  );

  it("delivers progress notifications while triggerBuild waits", async () => {
    const v1 = new V1Client({ name: "progress", version: "1.0.0" });
    await v1.connect(new V1Transport(new URL(server.url), { requestInit: { headers: bearer() } }));
    const messages: string[] = [];
    const result = await v1.callTool(
      { name: "triggerBuild", arguments: { jobFullName: "hello", waitFor: "finished" } },
      undefined,
      {
        onprogress: (progress) => messages.push(progress.message ?? ""),
      },
    );
    expect(result.isError).toBeFalsy();
    expect(messages.length).toBeGreaterThan(0);
    await v1.close();
  });

  it("delivers progress notifications to a 2026-07-28 client on the call's own stream", async () => {
    const client = new Client(
      { name: "progress", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: bearer() } }),
    );
    const messages: string[] = [];
    const result = await client.callTool(
      { name: "triggerBuild", arguments: { jobFullName: "hello", waitFor: "finished" } },
      { onprogress: (progress) => messages.push(progress.message ?? "") },
    );
    expect(result.isError).toBeFalsy();
    expect(messages.length).toBeGreaterThan(0);
    await client.close();
  });
});

describe("a call that reports progress for seconds", () => {
  // Events spaced like a real build's (a quiet period, then the build running), not in one burst:
  // an answer written differently on Node 24 once reached the client with its progress but never
  // with its result.
  let slowJenkins: JenkinsSimulator;
  let server: TestServer;

  beforeAll(async () => {
    slowJenkins = await JenkinsSimulator.start({ quietPeriodMs: 700, buildDurationMs: 1200 });
    server = await startServer(slowJenkins.url);
  });

  afterAll(async () => {
    await server?.close();
    await slowJenkins?.close();
  });

  it.each([
    ["default", "default" as const],
    ["auto (2026-07-28)", "auto" as const],
  ])("delivers the result after the progress events (version negotiation: %s)", async (_name, mode) => {
    const client = new Client(
      { name: "progress", version: "1.0.0" },
      mode === "auto" ? { versionNegotiation: { mode: "auto" } } : {},
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: bearer() } }),
    );
    const messages: string[] = [];
    const result = await client.callTool(
      { name: "triggerBuild", arguments: { jobFullName: "hello", waitFor: "finished" } },
      { onprogress: (progress) => messages.push(progress.message ?? ""), timeout: 15_000 },
    );
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ state: "finished", result: "SUCCESS" });
    expect(messages.length).toBeGreaterThan(1);
    await client.close();
  });
});

describe("stateless mode", () => {
  it("keeps nothing between requests: no session ids, and GET streams are not offered", async () => {
    const server = await startServer(jenkins.url, { MCP_STATELESS: "true" });
    try {
      const client = await connect("v1", server.url);
      expect(client.sessionId()).toBeUndefined();
      ok(await client.callTool("getJob", { jobFullName: "hello" }));
      await client.close();
      const get = await fetch(server.url, { headers: { ...bearer(), accept: "text/event-stream" } });
      expect(get.status).toBe(405);
      expect(server.logs.some((line) => line.msg === "session opened")).toBe(false);
    } finally {
      await server.close();
    }
  });
});

describe("many clients", () => {
  it("serves 100 concurrent sessions, each calling tools", async () => {
    const server = await startServer(jenkins.url);
    const started = performance.now();
    try {
      const kinds: ClientKind[] = ["v1", "v2-legacy"];
      const results = await Promise.all(
        Array.from({ length: 100 }, async (_, index) => {
          const client = await connect(kinds[index % 2] ?? "v1", server.url);
          const job = ok(await client.callTool("getJob", { jobFullName: SEED_JOBS.api }));
          const build = ok(await client.callTool("getBuild", { jobFullName: SEED_JOBS.api }));
          const sessionId = client.sessionId();
          await client.close();
          return { job, build, sessionId };
        }),
      );
      expect(new Set(results.map((result) => result.sessionId)).size).toBe(100);
      for (const { job, build } of results) {
        expect(job.fullName).toBe(SEED_JOBS.api);
        expect(build.number).toBe(5);
      }
      const seconds = (performance.now() - started) / 1000;
      expect(seconds).toBeLessThan(15);
    } finally {
      await server.close();
    }
  });

  it("serves 2026-07-28 requests concurrently without sessions", async () => {
    const server = await startServer(jenkins.url);
    try {
      const client = await connect("v2-modern", server.url);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => client.callTool("getJob", { jobFullName: "hello" })),
      );
      for (const result of results) expect(ok(result).fullName).toBe("hello");
      await client.close();
      const raw = await fetch(server.url, {
        method: "POST",
        headers: { ...MCP_HEADERS, ...bearer() },
        body: "{}",
      });
      expect(raw.status).toBeGreaterThanOrEqual(400);
    } finally {
      await server.close();
    }
  });
});

describe("elicitation", () => {
  it("reaches a 2025 session client, whose answer lets the call go ahead", async () => {
    const policy = parsePolicy(
      [
        "rules:",
        "  - name: deploys-need-a-person",
        '    clients: ["*"]',
        `    jobs: ["${SEED_JOBS.deployApi}"]`,
        "    allow: [read, trigger]",
        "    confirm: [trigger]",
      ].join("\n"),
    );
    const server = await startServer(jenkins.url, {}, { guard: new Guard(policy, undefined) });
    const v1 = new V1Client(
      { name: "asks-a-person", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    const questions: string[] = [];
    v1.setRequestHandler(ElicitRequestSchema, async (request) => {
      questions.push(request.params.message);
      return { action: "accept", content: { confirm: true } };
    });
    try {
      await v1.connect(new V1Transport(new URL(server.url), { requestInit: { headers: bearer() } }));
      const result = await v1.callTool({
        name: "triggerBuild",
        arguments: { jobFullName: SEED_JOBS.deployApi },
      });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      expect(questions).toHaveLength(1);
      expect(questions[0]).toContain(SEED_JOBS.deployApi);
    } finally {
      await v1.close();
      await server.close();
    }
  });
});

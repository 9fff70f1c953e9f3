import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import {
  bearer,
  type ClientKind,
  connect,
  INITIALIZE,
  MCP_HEADERS,
  startServer,
  startSimulator,
  type TestServer,
} from "./harness.js";

/**
 * Per-connection tool choice over HTTP, as github-mcp-server's remote headers: X-MCP-Toolsets,
 * X-MCP-Tools and X-MCP-Read-Only (or X-MCP-Readonly) narrow what the server's own flags offer,
 * for every client generation; they never widen it.
 */
let jenkins: JenkinsSimulator;
let everything: TestServer;
let defaults: TestServer;

beforeAll(async () => {
  jenkins = await startSimulator();
  everything = await startServer(jenkins.url, { JENKINS_MCP_TOOLSETS: "all" });
  defaults = await startServer(jenkins.url);
});

afterAll(async () => {
  await everything?.close();
  await defaults?.close();
  await jenkins?.close();
});

async function listedWith(
  kind: ClientKind,
  server: TestServer,
  headers: Record<string, string>,
): Promise<string[]> {
  const client = await connect(kind, server.url, undefined, headers);
  try {
    return await client.listTools();
  } finally {
    await client.close();
  }
}

describe.each<ClientKind>(["v2-modern", "v2-legacy", "v1"])("a %s client", (kind) => {
  it("chooses toolsets and tools together", async () => {
    expect(
      await listedWith(kind, everything, { "X-MCP-Toolsets": " logs , views", "X-MCP-Tools": "getJob" }),
    ).toEqual(["getJob", "getBuildLog", "searchBuildLog", "getStageLog", "getViews", "getViewJobs"]);
  });

  it("takes the default tools with default, and drops the writers when read-only", async () => {
    expect(
      await listedWith(kind, everything, { "X-MCP-Toolsets": "default", "X-MCP-Read-Only": "true" }),
    ).toEqual(["getJob", "getJobs", "searchJobs", "getBuild", "getFailureSummary", "getBuildLog"]);
    expect(
      await listedWith(kind, everything, { "X-MCP-Tools": "triggerBuild,getJob", "X-MCP-Readonly": "yes" }),
    ).toEqual(["getJob"]);
  });

  it("reads an empty or false-like read-only header as false, and empty lists as the server's own choice", async () => {
    const all = await listedWith(kind, everything, {});
    expect(
      await listedWith(kind, everything, { "X-MCP-Read-Only": " OFF ", "X-MCP-Toolsets": " , " }),
    ).toEqual(all);
  });
});

describe("a choice that would widen or names nothing known", () => {
  async function initializeWith(server: TestServer, headers: Record<string, string>) {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...bearer(), ...headers },
      body: INITIALIZE,
    });
    return { status: response.status, body: (await response.json()) as { error?: { message?: string } } };
  }

  it("is refused with 400 and what the server offers, when it names a toolset the server does not offer", async () => {
    const answer = await initializeWith(defaults, { "X-MCP-Toolsets": "views" });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toBe(
      "X-MCP-Toolsets names views, which this server does not offer (a header can only narrow the server's own choice); it offers the toolsets: jobs, builds, logs, queue, default, all",
    );
  });

  it("narrows a toolset the server offers in part to the tools it offers", async () => {
    expect(await listedWith("v2-modern", defaults, { "X-MCP-Toolsets": "logs" })).toEqual(["getBuildLog"]);
  });

  it("is refused when it names a tool the server does not offer", async () => {
    const answer = await initializeWith(defaults, { "X-MCP-Tools": "getJob,stopBuild" });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toMatch(
      /^X-MCP-Tools names stopBuild, which this server does not offer .* it offers the tools: getJob, getJobs, /,
    );
  });

  it("cannot undo the server's read-only mode", async () => {
    const readOnly = await startServer(jenkins.url, { JENKINS_MCP_READ_ONLY: "true" });
    try {
      const answer = await initializeWith(readOnly, {
        "X-MCP-Tools": "triggerBuild",
        "X-MCP-Read-Only": "false",
      });
      expect(answer.status).toBe(400);
      expect(answer.body.error?.message).toMatch(
        /X-MCP-Tools names triggerBuild, which this server does not offer/,
      );
    } finally {
      await readOnly.close();
    }
  });
});

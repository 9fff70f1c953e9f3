import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import {
  bearer,
  connect,
  eventually,
  INITIALIZE,
  type LogLine,
  MCP_HEADERS,
  openSession,
  rpc,
  startServer,
  startSimulator,
  type TestServer,
} from "./harness.js";

let jenkins: JenkinsSimulator;
const servers: TestServer[] = [];

beforeAll(async () => {
  jenkins = await startSimulator();
});

afterEach(async () => {
  jenkins.clearFaults();
  jenkins.clearRequests();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

afterAll(async () => {
  await jenkins?.close();
});

async function server(env: Record<string, string> = {}): Promise<TestServer> {
  const started = await startServer(jenkins.url, env);
  servers.push(started);
  return started;
}

function sessionHeaders(session: string): Record<string, string> {
  return { ...MCP_HEADERS, ...bearer(), "mcp-session-id": session, "mcp-protocol-version": "2025-06-18" };
}

function logged(server: TestServer, predicate: (line: LogLine) => boolean): () => LogLine | undefined {
  return () => server.logs.find(predicate);
}

const getHello = rpc("tools/call", { name: "getJob", arguments: { jobFullName: "hello" } }, 7);

describe("session limits", () => {
  it("refuses a session beyond MCP_MAX_SESSIONS with 503 and a JSON-RPC error, until one closes", async () => {
    const mcp = await server({ MCP_MAX_SESSIONS: "2" });
    const first = await openSession(mcp.url);
    await openSession(mcp.url);
    const refused = await fetch(mcp.url, {
      method: "POST",
      headers: { ...MCP_HEADERS, ...bearer() },
      body: INITIALIZE,
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("5");
    expect(await refused.json()).toMatchObject({
      jsonrpc: "2.0",
      error: { code: -32000, message: "Too many open sessions (2): close unused sessions or retry later" },
    });
    await fetch(mcp.url, { method: "DELETE", headers: sessionHeaders(first) });
    await openSession(mcp.url);
  });

  it("counts sessions still opening, so a burst cannot overshoot the cap", async () => {
    const mcp = await server({ MCP_MAX_SESSIONS: "3" });
    const attempts = await Promise.allSettled(Array.from({ length: 8 }, () => openSession(mcp.url)));
    expect(attempts.filter((attempt) => attempt.status === "fulfilled")).toHaveLength(3);
  });

  it("closes a session left idle for MCP_SESSION_IDLE_MS; its id then answers 404", async () => {
    const mcp = await server({ MCP_SESSION_IDLE_MS: "200" });
    const session = await openSession(mcp.url);
    const list = await fetch(mcp.url, {
      method: "POST",
      headers: sessionHeaders(session),
      body: rpc("tools/list"),
    });
    expect(list.status).toBe(200);
    await list.text();
    await eventually(
      logged(mcp, (line) => line.msg === "session closed" && line.session === session),
      "idle expiry",
    );
    expect(mcp.logs.find((line) => line.msg === "session closed")?.reason).toBe("idle");
    const after = await fetch(mcp.url, {
      method: "POST",
      headers: sessionHeaders(session),
      body: rpc("tools/list"),
    });
    expect(after.status).toBe(404);
  });

  it("does not expire a session while one of its calls runs longer than the idle time", async () => {
    const mcp = await server({ MCP_SESSION_IDLE_MS: "150" });
    const client = await connect("v1", mcp.url);
    const answer = await client.callTool("triggerBuild", {
      jobFullName: SEED_JOBS.slow,
      waitFor: "started",
      timeoutSeconds: 1,
    });
    expect(answer.isError).toBeFalsy();
    expect(mcp.logs.some((line) => line.msg === "session closed")).toBe(false);
    const queueItemId = answer.structuredContent?.queueItemId;
    expect((await client.callTool("cancelQueueItem", { queueItemId })).isError).toBeFalsy();
    await client.close();
  });
});

/**
 * Jenkins never answers the hung request, and the Jenkins timeout is 30 s: a tool call that ends in
 * error within a few seconds had its Jenkins request aborted.
 */
function expectCancelledQuickly(line: LogLine): void {
  expect(line).toMatchObject({ outcome: "error" });
  expect(line.ms).toBeLessThan(5_000);
}

describe("cancellation", () => {
  it("cancels a session's tool call, and its Jenkins request, when the client disconnects", async () => {
    const mcp = await server();
    jenkins.injectFault({ match: { path: "/job/hello/api/json" }, kind: "hang" });
    const session = await openSession(mcp.url);
    const disconnect = new AbortController();
    const call = fetch(mcp.url, {
      method: "POST",
      headers: sessionHeaders(session),
      body: getHello,
      signal: disconnect.signal,
    });
    const response = await call;
    expect(response.status).toBe(200);
    await eventually(
      () => jenkins.requests.find((request) => request.path === "/job/hello/api/json"),
      "Jenkins call",
    );
    disconnect.abort();
    const line = await eventually(
      logged(mcp, (entry) => entry.msg === "tool call" && entry.tool === "getJob"),
      "the cancelled tool call",
    );
    expectCancelledQuickly(line);
  });

  it("cancels a 2026-07-28 client's call when it aborts (closes the request)", async () => {
    const mcp = await server();
    jenkins.injectFault({ match: { path: "/job/hello/api/json" }, kind: "hang" });
    const client = await connect("v2-modern", mcp.url);
    const abort = new AbortController();
    const call = client.callTool("getJob", { jobFullName: "hello" }, abort.signal);
    await eventually(
      () => jenkins.requests.find((request) => request.path === "/job/hello/api/json"),
      "Jenkins call",
    );
    abort.abort();
    await expect(call).rejects.toThrow();
    const line = await eventually(
      logged(mcp, (entry) => entry.msg === "tool call" && entry.tool === "getJob"),
      "the cancelled tool call",
    );
    expectCancelledQuickly(line);
    await client.close();
  });

  it.each(["v1", "v2-modern"] as const)(
    "answers a call running past MCP_REQUEST_TIMEOUT_MS with a timeout error and cancels it (%s)",
    async (kind) => {
      const mcp = await server({ MCP_REQUEST_TIMEOUT_MS: "300" });
      jenkins.injectFault({ match: { path: "/job/hello/api/json" }, kind: "hang" });
      const client = await connect(kind, mcp.url);
      // v1 reads the error from the call's event stream; a 2026-07-28 client gets it as a 504's body.
      // -32005: no session error (-32001) that would make a client start over, nor a draft's -32003/-32004.
      const timeoutError =
        kind === "v1"
          ? { code: -32005 }
          : { data: { status: 504, text: expect.stringContaining('"code":-32005') } };
      await expect(client.callTool("getJob", { jobFullName: "hello" })).rejects.toMatchObject({
        ...timeoutError,
        message: expect.stringMatching(/timed out after 300 ms/),
      });
      const line = await eventually(
        logged(mcp, (entry) => entry.msg === "tool call" && entry.tool === "getJob"),
        "the cancelled tool call",
      );
      expectCancelledQuickly(line);
      jenkins.clearFaults();
      expect((await client.callTool("getJob", { jobFullName: "hello" })).isError).toBeFalsy();
      await client.close();
    },
  );
});

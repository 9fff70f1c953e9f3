import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { setTimeout as delay } from "node:timers/promises";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import {
  bearer,
  CLI,
  connect,
  ensureBuilt,
  eventually,
  type LogLine,
  startServer,
  TOKEN,
} from "./harness.js";

let jenkins: JenkinsSimulator;
let child: ChildProcess | undefined;

beforeAll(async () => {
  ensureBuilt();
  // Builds that take a while, so SIGTERM arrives while triggerBuild waits for the result.
  jenkins = await JenkinsSimulator.start({ quietPeriodMs: 50, buildDurationMs: 1500 });
});

afterEach(() => {
  jenkins.clearFaults();
  jenkins.clearRequests();
  if (child && child.exitCode === null) child.kill("SIGKILL");
  child = undefined;
});

afterAll(async () => {
  await jenkins?.close();
});

interface Spawned {
  url: string;
  logs: LogLine[];
  exited: Promise<number | null>;
}

/** The built CLI serving HTTP on a free port; resolves once it logs its URL. */
async function spawnServer(env: Record<string, string> = {}): Promise<Spawned> {
  const proc = spawn(process.execPath, [CLI, "--transport", "http", "--port", "0"], {
    env: {
      PATH: process.env.PATH ?? "",
      JENKINS_URL: jenkins.url,
      JENKINS_USER: SIMULATOR_USERS.admin.id,
      JENKINS_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
      MCP_AUTH_TOKEN: TOKEN,
      LOG_LEVEL: "info",
      ...env,
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child = proc;
  const logs: LogLine[] = [];
  const exited = new Promise<number | null>((resolve) => proc.once("exit", (code) => resolve(code)));
  createInterface({ input: proc.stderr as NodeJS.ReadableStream }).on("line", (line) => {
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      logs.push({ msg: line });
    }
  });
  const ready = await eventually(
    () => logs.find((line) => line.msg === "jenkins-mcp serving over HTTP"),
    "startup",
  );
  return { url: String(ready.url), logs, exited };
}

describe("graceful shutdown", () => {
  it("on SIGTERM, lets a triggerBuild that waits for its result finish, then exits 0", async () => {
    const server = await spawnServer({ MCP_SHUTDOWN_GRACE_MS: "20000" });
    const client = await connect("v1", server.url);
    const call = client.callTool("triggerBuild", {
      jobFullName: "hello",
      waitFor: "finished",
      timeoutSeconds: 30,
    });
    await eventually(
      () =>
        jenkins.requests.find((request) => request.method === "POST" && request.path === "/job/hello/build"),
      "the trigger",
    );
    child?.kill("SIGTERM");
    await eventually(
      () => server.logs.find((line) => String(line.msg).startsWith("shutting down")),
      "shutdown",
    );
    // New connections are refused; a kept-alive one is told 503 and closed.
    const probe = await fetch(new URL("/healthz", server.url)).then(
      (response) => response.status,
      () => "refused",
    );
    expect([503, "refused"]).toContain(probe);
    const result = await call;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ state: "finished", result: "SUCCESS" });
    expect(await server.exited).toBe(0);
    await eventually(() => server.logs.find((line) => line.msg === "stopped"), "the last log line");
  });

  it("is not ready but still serves during MCP_SHUTDOWN_DELAY_MS, so a balancer can stop sending first", async () => {
    const server = await startServer(jenkins.url, { MCP_SHUTDOWN_DELAY_MS: "3000" });
    const client = await connect("v2-modern", server.url);
    const ready = await fetch(new URL("/readyz", server.url));
    expect(ready.status).toBe(200);
    await ready.text();
    const closing = server.close();
    const notReady = await fetch(new URL("/readyz", server.url));
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({ status: "shutting down" });
    const result = await client.callTool("getJob", { jobFullName: "hello" });
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    await closing;
    const after = await fetch(new URL("/healthz", server.url)).then(
      (response) => response.status,
      () => "refused",
    );
    expect(after).toBe("refused");
  });

  it("cancels what is still running when the grace period ends", async () => {
    jenkins.injectFault({ match: { path: `/job/${SEED_JOBS.slow}/api/json` }, kind: "hang" });
    const server = await startServer(jenkins.url, { MCP_SHUTDOWN_GRACE_MS: "200" });
    const client = await connect("v2-modern", server.url);
    const call = client.callTool("getJob", { jobFullName: SEED_JOBS.slow });
    const settled = call.then(
      (result) => result,
      (error: unknown) => error,
    );
    await eventually(
      () => jenkins.requests.find((request) => request.path === `/job/${SEED_JOBS.slow}/api/json`),
      "the Jenkins call",
    );
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    await settled;
    const line = await eventually(
      () => server.logs.find((entry) => entry.msg === "tool call" && entry.tool === "getJob"),
      "the cancelled call",
    );
    expect(line.outcome).toBe("error");
    expect(
      server.logs.some((entry) => entry.msg === "grace period over: cancelling unfinished requests"),
    ).toBe(true);
  });

  it("answers a subscriptions/listen at once: its lists never change, so it has nothing to send", async () => {
    const server = await startServer(jenkins.url, {
      MCP_REQUEST_TIMEOUT_MS: "200",
      MCP_SHUTDOWN_GRACE_MS: "30000",
    });
    const client = new Client(
      { name: "listener", version: "1.0.0" },
      { versionNegotiation: { mode: "auto" } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: bearer() } }),
    );
    const subscription = await client.listen({ toolsListChanged: true, promptsListChanged: true });
    // The server advertises no list changes, so the SDK honours no part of the filter and ends the
    // stream as soon as it has acknowledged it, well before a request timeout.
    const ended = await Promise.race([subscription.closed, delay(150).then(() => "open")]);
    expect(ended).toBe("graceful");
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(5_000);
    await client.close();
  });
});

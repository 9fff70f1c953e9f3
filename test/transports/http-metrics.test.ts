import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import { connect, startServer, startSimulator, type TestClient, type TestServer } from "./harness.js";

/** The default token's client may read everything, trigger `hello` once a minute, and nothing else. */
function policyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-metrics-")), "policy.yaml");
  writeFileSync(
    file,
    [
      "rules:",
      "  - name: hello-once",
      '    clients: ["*"]',
      '    jobs: ["hello"]',
      "    allow: [read, trigger]",
      "    triggersPerMinute: 1",
      "  - name: reads",
      '    clients: ["*"]',
      '    jobs: ["**"]',
      "    allow: [read]",
      "",
    ].join("\n"),
  );
  return file;
}

/** Every sample of a scrape: `name{labels}` to its value. */
async function scrape(server: TestServer): Promise<Map<string, number>> {
  const response = await fetch(new URL("/metrics", server.url));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    samples.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return samples;
}

describe("/metrics", () => {
  let sim: JenkinsSimulator;
  let server: TestServer;
  let client: TestClient;

  beforeAll(async () => {
    sim = await startSimulator();
    server = await startServer(sim.url, {
      JENKINS_MCP_POLICY: policyFile(),
      JENKINS_MCP_TOOLSETS: "all",
      JENKINS_MAX_CONCURRENT: "1",
    });
    client = await connect("v2-legacy", server.url);
  });

  afterAll(async () => {
    await client?.close();
    await server?.close();
    await sim?.close();
  });

  it("is served without a token, in Prometheus' text format, with the process's own metrics", async () => {
    const samples = await scrape(server);
    expect(samples.get("process_resident_memory_bytes")).toBeGreaterThan(0);
    expect(samples.get("jenkins_mcp_sessions")).toBe(1);
  });

  it("moves each metric with the calls that cause it", async () => {
    const before = await scrape(server);
    // Held by a slow Jenkins while two identical reads join it and another read waits its turn.
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "delay", delayMs: 300, times: 1 });
    const reads = [1, 2, 3].map(() => client.callTool("getJob", { jobFullName: "hello" }));
    const other = client.callTool("getBuild", { jobFullName: "team/backend/api", buildNumber: 1 });
    let during = await scrape(server);
    while ((during.get("jenkins_mcp_jenkins_requests_waiting") ?? 0) === 0) during = await scrape(server);
    expect(during.get("jenkins_mcp_jenkins_requests_in_flight")).toBe(1);
    for (const answer of await Promise.all([...reads, other])) expect(answer.isError).toBeFalsy();
    expect((await client.callTool("triggerBuild", { jobFullName: "hello" })).isError).toBeFalsy();
    expect((await client.callTool("triggerBuild", { jobFullName: "hello" })).isError).toBe(true);
    expect((await client.callTool("triggerBuild", { jobFullName: "team/backend/api" })).isError).toBe(true);
    expect((await client.callTool("getJob", { jobFullName: "no-such-job" })).isError).toBe(true);

    const after = await scrape(server);
    const moved = (sample: string) => (after.get(sample) ?? 0) - (before.get(sample) ?? 0);
    expect(moved('jenkins_mcp_tool_calls_total{tool="getJob",outcome="ok"}')).toBe(3);
    expect(moved('jenkins_mcp_tool_calls_total{tool="getJob",outcome="error"}')).toBe(1);
    expect(moved('jenkins_mcp_tool_calls_total{tool="triggerBuild",outcome="denied"}')).toBe(2);
    expect(moved('jenkins_mcp_tool_call_duration_seconds_count{tool="getJob"}')).toBe(4);
    expect(moved('jenkins_mcp_tool_call_duration_seconds_bucket{le="+Inf",tool="getBuild"}')).toBe(1);
    expect(moved('jenkins_mcp_guard_refusals_total{tool="triggerBuild",reason="rateCap"}')).toBe(1);
    expect(moved('jenkins_mcp_guard_refusals_total{tool="triggerBuild",reason="policy"}')).toBe(1);
    expect(moved('jenkins_mcp_jenkins_requests_total{kind="job",method="GET",status="200"}')).toBeGreaterThan(
      0,
    );
    expect(moved('jenkins_mcp_jenkins_requests_total{kind="job",method="GET",status="404"}')).toBe(1);
    expect(moved('jenkins_mcp_jenkins_requests_total{kind="build",method="GET",status="200"}')).toBe(1);
    expect(moved('jenkins_mcp_jenkins_requests_total{kind="trigger",method="POST",status="201"}')).toBe(1);
    expect(moved('jenkins_mcp_jenkins_request_duration_seconds_count{kind="trigger"}')).toBe(1);
    expect(moved("jenkins_mcp_jenkins_reads_shared_total")).toBeGreaterThanOrEqual(2);
    expect(after.get("jenkins_mcp_jenkins_requests_waiting")).toBe(0);
    // No job, client or URL ever becomes a label.
    expect([...after.keys()].join("\n")).not.toMatch(/hello|team\/backend|default|127\.0\.0\.1/);
  });
});

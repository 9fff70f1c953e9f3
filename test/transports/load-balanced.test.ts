import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SdkHttpError } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { CLUSTER_TOKEN, Cluster, type Instance, type LogLine, RedisServer } from "../support/cluster.js";
import {
  type ClientKind,
  connect,
  ensureBuilt,
  eventually,
  type TestClient,
  type ToolResult,
} from "./harness.js";

/**
 * Three instances of the built CLI behind a real HAProxy loading deploy/haproxy.cfg, and a real
 * Redis for the shared trigger rate caps: spread, session affinity, losing an instance, a rolling
 * restart under load, and rate caps that hold across instances.
 */
const POLICY = `
rules:
  - name: hello-three-a-minute
    clients: ["*"]
    jobs: ["${SEED_JOBS.hello}"]
    allow: [read, trigger]
    triggersPerMinute: 3
  - name: everything-else
    clients: ["*"]
    jobs: ["**"]
    allow: [read, trigger]
`;
const policyFile = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-lb-")), "policy.yaml");
writeFileSync(policyFile, POLICY);

let jenkins: JenkinsSimulator;

beforeAll(async () => {
  ensureBuilt();
  jenkins = await JenkinsSimulator.start({ quietPeriodMs: 50, buildDurationMs: 800 });
});

afterAll(async () => {
  await jenkins?.close();
});

function instanceEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    JENKINS_URL: jenkins.url,
    JENKINS_USER: SIMULATOR_USERS.admin.id,
    JENKINS_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
    JENKINS_MCP_TOOLSETS: "all",
    LOG_LEVEL: "info",
    // Above the balancer's 2 checks 500 ms apart (deploy/haproxy.cfg).
    MCP_SHUTDOWN_DELAY_MS: "2500",
    MCP_SHUTDOWN_GRACE_MS: "30000",
    ...extra,
  };
}

function client(kind: ClientKind, cluster: Cluster): Promise<TestClient> {
  return connect(kind, cluster.url, CLUSTER_TOKEN);
}

/** How many tool calls each instance has logged, in instance order. */
function callsPerInstance(cluster: Cluster): number[] {
  return cluster.instances.map((instance) => instance.toolCalls().length);
}

/** Waits until the instances have logged `total` tool calls in all (log lines arrive after answers). */
async function loggedCalls(cluster: Cluster, total: number): Promise<number[]> {
  await eventually(
    () => (sum(callsPerInstance(cluster)) >= total ? true : undefined),
    `${total} tool calls logged`,
  );
  return callsPerInstance(cluster);
}

const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
const difference = (after: number[], before: number[]) =>
  after.map((value, index) => value - (before[index] ?? 0));

function expectOk(result: ToolResult, what: string): void {
  expect(result.isError, `${what}: ${JSON.stringify(result.content)}`).toBeFalsy();
}

/** The instance that opened the session: it logged "session opened" with its id. */
function holderOf(cluster: Cluster, sessionId: string | undefined): Instance {
  const holder = cluster.instances.find((instance) =>
    instance.logs.some((line) => line.msg === "session opened" && line.session === sessionId),
  );
  if (!holder) throw new Error(`no instance opened session ${sessionId}`);
  return holder;
}

/**
 * A 2025 client that behaves as the MCP specification asks: a 404 for its session means the session
 * is gone (its instance stopped), so it initializes a new one and sends the request again. Only a
 * 404 is taken so: the server did nothing with that request.
 */
class SessionClient {
  recovered = 0;
  private constructor(
    private client: TestClient,
    private readonly cluster: Cluster,
  ) {}

  static async open(cluster: Cluster): Promise<SessionClient> {
    return new SessionClient(await client("v2-legacy", cluster), cluster);
  }

  sessionId(): string | undefined {
    return this.client.sessionId();
  }

  async callTool(name: string, args: Record<string, unknown>): Promise<ToolResult> {
    try {
      return await this.client.callTool(name, args);
    } catch (error) {
      if (!(error instanceof SdkHttpError) || error.status !== 404) throw error;
      this.recovered += 1;
      await this.client.close().catch(() => undefined);
      this.client = await client("v2-legacy", this.cluster);
      return this.client.callTool(name, args);
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

describe("three instances behind HAProxy, rate caps in Redis", () => {
  let redis: RedisServer;
  let cluster: Cluster;

  beforeAll(async () => {
    redis = await RedisServer.start();
    cluster = await Cluster.start({
      env: instanceEnv({ JENKINS_MCP_POLICY: policyFile, MCP_REDIS_URL: redis.url }),
    });
  });

  afterAll(async () => {
    await cluster?.close();
    await redis?.stop();
  });

  it("spreads a 2026-07-28 client's calls over every instance", async () => {
    const before = callsPerInstance(cluster);
    const modern = await client("v2-modern", cluster);
    for (let call = 0; call < 9; call++) {
      expectOk(await modern.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob");
    }
    await modern.close();
    const spread = difference(await loggedCalls(cluster, sum(before) + 9), before);
    // Round robin: three calls in a row never land on the same instance twice.
    expect(
      spread.every((calls) => calls >= 2),
      `calls per instance: ${spread}`,
    ).toBe(true);
  });

  it("keeps a 2025 client's session on the instance that holds it", async () => {
    const before = callsPerInstance(cluster);
    const legacy = await client("v2-legacy", cluster);
    for (let call = 0; call < 9; call++) {
      expectOk(await legacy.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob");
    }
    const holder = holderOf(cluster, legacy.sessionId());
    await legacy.close();
    const spread = difference(await loggedCalls(cluster, sum(before) + 9), before);
    expect(spread).toEqual(cluster.instances.map((instance) => (instance === holder ? 9 : 0)));
  });

  it("caps triggers across instances through Redis, and refuses capped triggers when Redis is down", async () => {
    const before = callsPerInstance(cluster);
    const modern = await client("v2-modern", cluster);
    const answers: ToolResult[] = [];
    for (let call = 0; call < 5; call++) {
      answers.push(await modern.callTool("triggerBuild", { jobFullName: SEED_JOBS.hello }));
    }
    expect(answers.map((answer) => answer.isError ?? false)).toEqual([false, false, false, true, true]);
    const spread = difference(await loggedCalls(cluster, sum(before) + 5), before);
    expect(spread.filter((calls) => calls > 0).length, `calls per instance: ${spread}`).toBe(3);
    expect(JSON.stringify(answers[3]?.content)).toMatch(
      /rule \\"hello-three-a-minute\\" allows default 3 triggers a minute; try again in \d+ s/,
    );
    const posts = jenkins.requests.filter(
      (request) => request.method === "POST" && request.path === `/job/${SEED_JOBS.hello}/build`,
    );
    expect(posts).toHaveLength(3);

    await redis.stop();
    expectOk(await modern.callTool("triggerBuild", { jobFullName: SEED_JOBS.api }), "a job without a cap");
    const capped = await modern.callTool("triggerBuild", { jobFullName: SEED_JOBS.hello });
    expect(capped.isError).toBe(true);
    expect(JSON.stringify(capped.content)).toMatch(
      /count is kept in Redis at redis:\/\/127\.0\.0\.1:\d+, which cannot be reached \([^)]+\); nothing was sent to Jenkins/,
    );
    expect(
      jenkins.requests.filter(
        (request) => request.method === "POST" && request.path === `/job/${SEED_JOBS.hello}/build`,
      ),
    ).toHaveLength(3);
    expectOk(await modern.callTool("getJob", { jobFullName: SEED_JOBS.hello }), "a read");
    await modern.close();
  });

  it("loses an instance: its session's client gets 404, starts a new session elsewhere; others never notice", async () => {
    const legacy = await client("v2-legacy", cluster);
    expectOk(await legacy.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob");
    const holder = holderOf(cluster, legacy.sessionId());
    await holder.kill();
    await cluster.balancer.marked(holder.name, "DOWN");

    const modern = await client("v2-modern", cluster);
    for (let call = 0; call < 6; call++) {
      expectOk(await modern.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob after the loss");
    }
    const lost = await legacy
      .callTool("getJob", { jobFullName: SEED_JOBS.api })
      .catch((error: unknown) => error);
    expect(lost).toBeInstanceOf(SdkHttpError);
    expect((lost as SdkHttpError).status).toBe(404);
    expect((lost as SdkHttpError).message).toMatch(/-32001.*Session not found/);
    await legacy.close().catch(() => undefined);

    const again = await client("v2-legacy", cluster);
    expectOk(await again.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob in a new session");
    expect(holderOf(cluster, again.sessionId())).not.toBe(holder);
    await again.close();

    await cluster.restart(holder);
    await modern.close();
  });

  it("restarts every instance in turn under load without losing a call that had started", async () => {
    const outcomes: { kind: string; ok: boolean; error?: string }[] = [];
    let stop = false;
    const worker = async (kind: "modern" | "session", tool: "getJob" | "triggerBuild") => {
      const caller =
        kind === "modern" ? await client("v2-modern", cluster) : await SessionClient.open(cluster);
      const args =
        tool === "getJob"
          ? { jobFullName: SEED_JOBS.api }
          : { jobFullName: SEED_JOBS.api, waitFor: "finished", timeoutSeconds: 20 };
      while (!stop) {
        try {
          const result = await caller.callTool(tool, args);
          outcomes.push({ kind, ok: !result.isError, error: JSON.stringify(result.content) });
        } catch (error) {
          outcomes.push({ kind, ok: false, error: String(error) });
        }
      }
      await caller.close().catch(() => undefined);
      return caller instanceof SessionClient ? caller.recovered : 0;
    };
    const workers = [
      worker("modern", "getJob"),
      worker("modern", "getJob"),
      worker("modern", "triggerBuild"),
      worker("modern", "triggerBuild"),
      worker("session", "getJob"),
      worker("session", "triggerBuild"),
    ];
    const stopped: { instance: Instance; code: number | null }[] = [];
    for (const instance of cluster.instances) {
      await loggedCalls(cluster, sum(callsPerInstance(cluster)) + 6);
      const code = await instance.terminate();
      // The balancer had stopped sending it work before it closed its port.
      expect(cluster.balancer.state(instance.name)).toBe("DOWN");
      stopped.push({ instance, code });
      await cluster.restart(instance);
    }
    stop = true;
    const recovered = sum(await Promise.all(workers));

    const failed = outcomes.filter((outcome) => !outcome.ok);
    expect(failed, JSON.stringify(failed.slice(0, 3))).toEqual([]);
    expect(outcomes.length).toBeGreaterThan(20);
    expect(stopped.map(({ code }) => code)).toEqual([0, 0, 0]);
    // Calls were still running when each instance was told to stop, and they finished there.
    for (const { instance } of stopped) {
      const lines: LogLine[] = instance.logs;
      const told = lines.findIndex((line) => String(line.msg).startsWith("shutting down"));
      const finishedAfter = lines
        .slice(told)
        .filter((line) => line.msg === "tool call" && line.outcome === "ok");
      expect(told).toBeGreaterThanOrEqual(0);
      expect(finishedAfter.length, `${instance.name} finished calls after SIGTERM`).toBeGreaterThan(0);
      expect(lines.some((line) => line.msg === "grace period over: cancelling unfinished requests")).toBe(
        false,
      );
    }
    // Each session client's first instance stopped under it: it was told 404 and started a new session.
    expect(recovered).toBeGreaterThanOrEqual(1);
  }, 120_000);
});

describe("--stateless instances behind HAProxy", () => {
  let cluster: Cluster;

  beforeAll(async () => {
    cluster = await Cluster.start({ env: instanceEnv({ MCP_STATELESS: "true" }) });
  });

  afterAll(async () => {
    await cluster?.close();
  });

  it("spread a 2025 client's calls over every instance: no session holds them", async () => {
    const legacy = await client("v1", cluster);
    expect(legacy.sessionId()).toBeUndefined();
    for (let call = 0; call < 9; call++) {
      expectOk(await legacy.callTool("getJob", { jobFullName: SEED_JOBS.api }), "getJob");
    }
    await legacy.close();
    const spread = await loggedCalls(cluster, 9);
    expect(
      spread.every((calls) => calls >= 2),
      `calls per instance: ${spread}`,
    ).toBe(true);
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SEED_JOBS } from "../../simulator/seed.js";
import { Cluster, RedisServer } from "../../test/support/cluster.js";
import type { BenchContext, Scenario } from "../lib/context.js";
import { MCP_TOKEN, memoryOf, serverEnv } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { type HttpMode, HttpRpc } from "../lib/rpc.js";
import type { FaultRequest } from "../lib/simulator-protocol.js";
import { percentile } from "../lib/stats.js";

/** Every client may trigger: the cap is there so that each trigger is counted in Redis. */
const POLICY = `
rules:
  - name: everyone
    clients: ["*"]
    jobs: ["**"]
    allow: [read, trigger]
    triggersPerMinute: 1000000
`;

/** What the sessions call, with weights: mostly reads, some triggers. */
const MIX: readonly { weight: number; tool: string; args: Record<string, unknown> }[] = [
  { weight: 35, tool: "getJob", args: { jobFullName: SEED_JOBS.api } },
  { weight: 25, tool: "getBuild", args: { jobFullName: SEED_JOBS.api } },
  { weight: 15, tool: "getBuildLog", args: { jobFullName: SEED_JOBS.api, limit: -50 } },
  { weight: 10, tool: "getJobs", args: { limit: 20 } },
  { weight: 5, tool: "getBuilds", args: { jobFullName: SEED_JOBS.web } },
  { weight: 10, tool: "triggerBuild", args: { jobFullName: SEED_JOBS.hello } },
];

const API = "/job/team/job/backend/job/api";
/** Injected in turn while the sessions run: Jenkins (or its proxy) failing reads and a trigger. */
const FAULTS: readonly FaultRequest[] = [
  { path: `${API}/api/json`, kind: "html503", times: 20 },
  { path: `${API}/lastBuild/api/json`, kind: "reset", times: 10 },
  { path: `${API}/api/json`, kind: "delay", delayMs: 2_000, times: 20 },
  { method: "POST", path: `/job/${SEED_JOBS.hello}/build`, kind: "html502", times: 3 },
];

interface Tally {
  latencies: number[];
  errors: Map<string, number>;
  triggersOk: number;
  triggersFailed: number;
}

/**
 * Three instances behind HAProxy (deploy/haproxy.cfg), rate caps in Redis, 200 sessions (half
 * 2026-07-28 requests, half 2025 sessions) calling a mix of reads and triggers for a few minutes
 * while Jenkins faults come and go. Not a timed test: it reports what the service did.
 */
export const soak: Scenario = {
  name: "soak",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const sessions = quick ? 20 : 200;
    const seconds = quick ? 4 : 180;
    const policy = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-soak-")), "policy.yaml");
    writeFileSync(policy, POLICY);
    const redis = await RedisServer.start();
    const env = serverEnv(simulator.url, {
      JENKINS_MCP_TOOLSETS: "all",
      JENKINS_MCP_POLICY: policy,
      MCP_REDIS_URL: redis.url,
      MCP_AUTH_TOKEN: MCP_TOKEN,
      MCP_MAX_SESSIONS: "1000",
      LOG_LEVEL: "warn",
    });
    const cluster = await Cluster.start({ env, keepLogs: false });
    try {
      await simulator.reset();
      progress(`${sessions} sessions for ${seconds} s against 3 instances behind HAProxy`);
      const pool = HttpRpc.pool(cluster.url, sessions);
      const clients = Array.from({ length: sessions }, (_, index) => {
        const mode: HttpMode = index % 2 === 0 ? "stateless" : "session";
        return new HttpRpc(pool, cluster.url, mode);
      });
      await Promise.all(clients.map((client) => client.open()));
      const rssAtStart = cluster.instances.map((instance) => memoryOf(instance.pid).rss);
      const tally: Tally = { latencies: [], errors: new Map(), triggersOk: 0, triggersFailed: 0 };
      const deadline = performance.now() + seconds * 1000;
      const faults = injectFaults(simulator, deadline, seconds);
      const started = performance.now();
      await Promise.all(clients.map((client, index) => drive(client, index, deadline, tally)));
      const elapsed = (performance.now() - started) / 1000;
      await faults;
      const rssAtEnd = cluster.instances.map((instance) => memoryOf(instance.pid).rss);
      await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
      await pool.close();
      const posts = await simulator.triggers();
      return rows({ sessions, seconds, elapsed, tally, rssAtStart, rssAtEnd, posts, cluster });
    } finally {
      await simulator.clearFaults();
      await cluster.close();
      await redis.stop();
    }
  },
};

/** One session's calls until the deadline, each chosen by weight from MIX. */
async function drive(client: HttpRpc, index: number, deadline: number, tally: Tally): Promise<void> {
  const total = MIX.reduce((sum, entry) => sum + entry.weight, 0);
  let seed = index + 1;
  while (performance.now() < deadline) {
    // MINSTD, exact in doubles: every run makes the same sequence of calls.
    seed = (seed * 48_271) % 2_147_483_647;
    const call = pickByWeight(seed % total);
    const started = performance.now();
    try {
      const { result } = await client.callTool(call.tool, call.args);
      tally.latencies.push(performance.now() - started);
      const failed = result.isError === true;
      if (failed) count(tally.errors, `tool error: ${errorKind(result)}`);
      if (call.tool === "triggerBuild") {
        if (failed) tally.triggersFailed += 1;
        else tally.triggersOk += 1;
      }
    } catch (error) {
      count(tally.errors, `transport: ${(error as Error).message.slice(0, 60)}`);
    }
  }
}

function pickByWeight(point: number): (typeof MIX)[number] {
  let rest = point;
  for (const entry of MIX) {
    rest -= entry.weight;
    if (rest < 0) return entry;
  }
  return MIX[0] as (typeof MIX)[number];
}

/** The first words of a tool error, without names and numbers, so that alike errors count together. */
function errorKind(result: Record<string, unknown>): string {
  const content = (result.content ?? []) as { text?: string }[];
  const text = content.map((block) => block.text ?? "").join(" ");
  return text.replace(/\d+/g, "N").split(/[.;:]/)[0]?.slice(0, 70) ?? "";
}

function count(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Each fault in turn, spread over the run. */
async function injectFaults(
  simulator: BenchContext["simulator"],
  deadline: number,
  seconds: number,
): Promise<void> {
  const spacing = (seconds * 1000) / (FAULTS.length + 1);
  for (const fault of FAULTS) {
    await new Promise((resolve) => setTimeout(resolve, spacing));
    if (performance.now() >= deadline) return;
    await simulator.injectFault(fault);
  }
}

interface Outcome {
  sessions: number;
  seconds: number;
  elapsed: number;
  tally: Tally;
  rssAtStart: number[];
  rssAtEnd: number[];
  posts: { seen: number; queued: number };
  cluster: Cluster;
}

function rows({ sessions, seconds, elapsed, tally, rssAtStart, rssAtEnd, posts, cluster }: Outcome): Row[] {
  const group = "soak";
  const what = `${sessions} sessions, 3 instances behind HAProxy, ${seconds} s`;
  const errors = [...tally.errors.entries()].sort((a, b) => b[1] - a[1]);
  const transport = errors.filter(([kind]) => kind.startsWith("transport"));
  const unanswered = transport.reduce((sum, [, n]) => sum + n, 0);
  const describe = (list: [string, number][]) => list.map(([kind, n]) => `${n} × ${kind}`).join("; ");
  return [
    {
      group,
      measure: `tool calls answered, ${what}`,
      value: tally.latencies.length / elapsed,
      unit: "calls/s",
    },
    { group, measure: "soak: tool call p50", value: percentile(tally.latencies, 50), unit: "ms" },
    { group, measure: "soak: tool call p99", value: percentile(tally.latencies, 99), unit: "ms" },
    {
      group,
      measure: "soak: calls that got no answer (HTTP or connection errors)",
      value: unanswered,
      unit: "count",
      target: { max: 0 },
      baseline: {
        label: "calls made",
        value: tally.latencies.length + transport.reduce((sum, [, n]) => sum + n, 0),
      },
      ...(transport.length > 0 ? { note: describe(transport) } : {}),
    },
    {
      group,
      measure: "soak: tool errors (Jenkins faults injected)",
      value: errors.filter(([kind]) => kind.startsWith("tool")).reduce((sum, [, n]) => sum + n, 0),
      unit: "count",
      note: describe(errors.filter(([kind]) => kind.startsWith("tool"))) || "none",
    },
    ...cluster.instances.map((instance, index) => ({
      group,
      measure: `soak: RSS of ${instance.name} at the end`,
      value: rssAtEnd[index] ?? 0,
      unit: "memory" as const,
      baseline: { label: "at the start", value: rssAtStart[index] ?? 0 },
    })),
    {
      group,
      measure: "soak: builds Jenkins queued that no trigger answered (duplicates), or the reverse",
      value: Math.abs(posts.queued - tally.triggersOk),
      unit: "count",
      target: { max: 0 },
      baseline: { label: "triggers answered OK", value: tally.triggersOk },
      note: `${posts.seen} trigger POSTs seen by Jenkins, ${posts.queued} answered 201; ${tally.triggersOk} triggers answered OK, ${tally.triggersFailed} with an error`,
    },
  ];
}

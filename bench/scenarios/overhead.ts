import type { Pool } from "undici";
import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { DirectJenkins } from "../lib/direct.js";
import { cpuTime, HttpServerProcess, SdkServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { HttpRpc, StdioRpc } from "../lib/rpc.js";
import { percentile, timed } from "../lib/stats.js";

const GROUP = "tool-call overhead";
/** A build with causes, parameters and test counts: a full getBuild answer. */
const ARGS = { jobFullName: "team/backend/api", buildNumber: 4 };
const WARMUP_CALLS = 500;
/** Calls made untimed at the start of each block, after switching modes. */
const SETTLE_CALLS = 10;

/** How the SDK alone (bench/lib/sdk-server.ts) is reached, for each mode of ours. */
const SDK_MODES = { stdio: "stdio", "HTTP stateless": "stateless", "HTTP session": "session" } as const;

/**
 * getBuild through MCP over stdio and HTTP against the same Jenkins request sent directly with
 * undici, and the SDK alone answering getBuild's answer at once in each mode: the least that MCP
 * itself costs there. The modes take turns in rounds, so that a noisy moment of the machine hits
 * them all alike.
 */
export const overhead: Scenario = {
  name: "overhead",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const { server: stdioServer, rpc: stdio } = await StdioRpc.start(simulator.url);
    const http = await HttpServerProcess.start(simulator.url);
    const pool = HttpRpc.pool(http.url, 1);
    const stateless = new HttpRpc(pool, http.url, "stateless");
    const session = new HttpRpc(pool, http.url, "session");
    const direct = new DirectJenkins(simulator.url, 1);
    const sdk: SdkServerProcess[] = [];
    const sdkPools: Pool[] = [];
    try {
      await session.open();
      // A server's first call on a job also learns the job's canonical name (one small request,
      // remembered): warm it, so the call measured here is the steady one.
      expectOk((await stdio.callTool("getBuild", ARGS)).result, "getBuild over stdio");
      await simulator.reset();
      const answer = expectOk((await stdio.callTool("getBuild", ARGS)).result, "getBuild over stdio");
      const seen = await simulator.requests();
      if (seen.length !== 1) throw new Error(`getBuild made ${seen.length} Jenkins requests, expected 1`);
      const [request] = seen;
      if (!request) throw new Error("no request recorded");
      const answers = { getBuild: answer };
      for (const mode of Object.values(SDK_MODES)) sdk.push(await SdkServerProcess.start(mode, { answers }));
      const [sdkStdio, sdkStateless, sdkSessions] = sdk as [
        SdkServerProcess,
        SdkServerProcess,
        SdkServerProcess,
      ];
      const sdkStdioRpc = new StdioRpc(sdkStdio.child);
      await sdkStdioRpc.initialize();
      sdkPools.push(HttpRpc.pool(sdkStateless.url, 1), HttpRpc.pool(sdkSessions.url, 1));
      const [statelessPool, sessionPool] = sdkPools as [Pool, Pool];
      const sdkStatelessRpc = new HttpRpc(statelessPool, sdkStateless.url, "stateless");
      const sdkSessionRpc = new HttpRpc(sessionPool, sdkSessions.url, "session");
      await sdkSessionRpc.open();
      const modes: Record<string, () => Promise<unknown>> = {
        direct: () => direct.replay(request),
        stdio: () => stdio.callTool("getBuild", ARGS),
        "HTTP stateless": () => stateless.callTool("getBuild", ARGS),
        "HTTP session": () => session.callTool("getBuild", ARGS),
        "SDK alone over stdio": () => sdkStdioRpc.callTool("getBuild", ARGS),
        "SDK alone over HTTP stateless": () => sdkStatelessRpc.callTool("getBuild", ARGS),
        "SDK alone over HTTP session": () => sdkSessionRpc.callTool("getBuild", ARGS),
      };
      const samples: Record<string, number[]> = {};
      // The server's own CPU per call: steadier than latency on a shared machine, and it is what load costs.
      const pids: Record<string, number> = {
        stdio: stdioServer.pid,
        "HTTP stateless": http.pid,
        "HTTP session": http.pid,
      };
      const cpu: Record<string, { ms: number; calls: number }> = {};
      const rounds = quick ? 1 : 20;
      const perRound = quick ? 10 : 100;
      progress(`getBuild: ${rounds} rounds of ${perRound} calls per mode`);
      for (let round = quick ? 0 : -1; round < rounds; round++) {
        for (const [mode, call] of Object.entries(modes)) {
          // Round -1 warms up: the servers' JIT needs a few hundred calls to settle.
          const count = round < 0 ? WARMUP_CALLS : perRound;
          const times = samples[mode] ?? [];
          samples[mode] = times;
          for (let i = 0; i < SETTLE_CALLS; i++) await call();
          const pid = pids[mode];
          const cpuBefore = pid ? cpuTime(pid) : 0;
          for (let i = 0; i < count; i++) {
            const ms = await timed(call);
            if (round >= 0) times.push(ms);
          }
          if (pid && round >= 0) {
            const used = cpu[mode] ?? { ms: 0, calls: 0 };
            cpu[mode] = { ms: used.ms + cpuTime(pid) - cpuBefore, calls: used.calls + perRound };
          }
        }
        await simulator.reset();
      }
      const base = samples.direct ?? [];
      const rows: Row[] = [];
      for (const mode of ["stdio", "HTTP stateless", "HTTP session"]) {
        for (const p of [50, 99]) {
          const ours = percentile(samples[mode] ?? [], p);
          const theirs = percentile(base, p);
          rows.push({
            group: GROUP,
            measure: `getBuild over ${mode}: added p${p}`,
            value: ours - theirs,
            unit: "ms",
            target: { max: p === 50 ? 0.5 : 3 },
            baseline: { label: `direct p${p}`, value: theirs },
            ratio: { value: ours / theirs, of: "direct" },
            note: `p${p} of ${(samples[mode] ?? []).length} calls: ${ours.toFixed(3)} ms through MCP, ${theirs.toFixed(3)} ms direct`,
          });
        }
      }
      for (const mode of Object.keys(SDK_MODES)) {
        for (const p of [50, 99]) {
          rows.push({
            group: GROUP,
            measure: `the SDK alone over ${mode}, answering at once: p${p}`,
            value: percentile(samples[`SDK alone over ${mode}`] ?? [], p),
            unit: "ms",
            note: `the whole round trip to a server doing only the SDK's work, its getBuild answering the answer above with no Jenkins request (bench/lib/sdk-server.ts): set against "getBuild over ${mode}: added p${p}"`,
          });
        }
      }
      for (const mode of ["stdio", "HTTP stateless", "HTTP session"]) {
        const used = cpu[mode];
        if (!used) continue;
        rows.push({
          group: GROUP,
          measure: `server CPU per getBuild call, ${mode}`,
          value: used.ms / used.calls,
          unit: "ms",
          note: "from /proc/<pid>/schedstat; not a target, the cost behind the latency",
        });
      }
      return rows;
    } finally {
      await session.close().catch(() => undefined);
      await Promise.all([pool, ...sdkPools].map((each) => each.close()));
      await direct.close();
      await Promise.all([stdioServer.close(), http.close(), ...sdk.map((server) => server.close())]);
    }
  },
};

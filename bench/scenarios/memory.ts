import { spawn } from "node:child_process";
import type { Pool } from "undici";
import type { BenchContext, Scenario } from "../lib/context.js";
import { HttpServerProcess, memoryOf, SdkServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { HttpRpc, StdioRpc } from "../lib/rpc.js";
import { KB, MB, sleep } from "../lib/stats.js";

/**
 * V8 gives memory back once a process has been idle for several seconds (its memory reducer): the
 * idle figures are read after that, the RSS just after start is in the note.
 */
const IDLE_MS = 12_000;

/**
 * RSS of the idle server, and what each idle HTTP session adds, to it and to the SDK alone serving
 * sessions with a single tool.
 */
export const memory: Scenario = {
  name: "memory",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const idle = quick ? 100 : IDLE_MS;
    const total = quick ? 50 : 1000;
    const warm = 10;
    const rows: Row[] = [];
    const bare = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const { server: stdio } = await StdioRpc.start(simulator.url);
    const http = await HttpServerProcess.start(simulator.url);
    // Sessions go to a server of their own, so that the idle one above stays untouched.
    const sessionServer = await HttpServerProcess.start(simulator.url);
    const sdk = await SdkServerProcess.start("session", {
      answers: { getJob: { text: "ok", structured: {} } },
    });
    const targets: SessionTarget[] = [
      {
        server: sessionServer,
        pool: HttpRpc.pool(sessionServer.url, 10),
        measure: "RSS per idle HTTP session (1,000 sessions)",
        target: { max: 50 * KB },
      },
      {
        server: sdk,
        pool: HttpRpc.pool(sdk.url, 10),
        measure: "the SDK alone, one tool: RSS per idle HTTP session (1,000 sessions)",
        about:
          "; a server and a transport per session as the SDK's guide serves them (bench/lib/sdk-server.ts)",
      },
    ];
    const sessions: HttpRpc[] = [];
    try {
      // The first sessions load what any session needs: the cost per session is measured after them.
      for (const { server, pool } of targets) await openSessions(server.url, pool, warm, sessions);
      progress(`idle servers, ${idle / 1000} s`);
      await sleep(Math.min(idle, 1000));
      const started = { stdio: stdio.memory().rss, http: http.memory().rss };
      await sleep(Math.max(0, idle - 1000));
      const bareRss = memoryOf(bare.pid ?? 0).rss;
      for (const [name, server, early] of [
        ["stdio (after initialize)", stdio, started.stdio],
        ["HTTP", http, started.http],
      ] as const) {
        rows.push({
          group: "memory",
          measure: `RSS idle, ${name}`,
          value: server.memory().rss,
          unit: "memory",
          target: { max: 60 * MB },
          baseline: { label: "bare node", value: bareRss },
          note: `${(early / MB).toFixed(1)} MB one second after start`,
        });
      }
      const before = targets.map(({ server }) => server.memory().rss);
      progress(`opening ${total} idle sessions on each, then ${idle / 1000} s idle`);
      const busy: number[] = [];
      for (const { server, pool } of targets) {
        await openSessions(server.url, pool, total - warm, sessions);
        busy.push(server.memory().rss);
      }
      await sleep(idle);
      targets.forEach(({ server, measure, target, about }, index) => {
        const [start, after, opened] = [before[index] ?? 0, server.memory().rss, busy[index] ?? 0];
        rows.push({
          group: "memory",
          measure,
          value: Math.max(0, after - start) / (total - warm),
          unit: "memory",
          ...(target ? { target } : {}),
          note: `RSS ${(start / MB).toFixed(1)} MB with ${warm} sessions, ${(after / MB).toFixed(1)} MB with ${total.toLocaleString("en-US")} (${(opened / MB).toFixed(1)} MB right after opening them)${about ?? ""}`,
        });
      });
    } finally {
      bare.kill();
      for (let i = 0; i < sessions.length; i += 50) {
        await Promise.all(sessions.slice(i, i + 50).map((session) => session.close().catch(() => undefined)));
      }
      await Promise.all(targets.map(({ pool }) => pool.close()));
      await Promise.all([stdio.close(), http.close(), sessionServer.close(), sdk.close()]);
    }
    return rows;
  },
};

/** A server whose idle sessions are counted, and the row they make. */
interface SessionTarget {
  server: HttpServerProcess | SdkServerProcess;
  pool: Pool;
  measure: string;
  target?: Row["target"];
  about?: string;
}

/** Opens sessions as clients do (initialize, initialized, tools/list), ten at a time. */
async function openSessions(url: string, pool: Pool, count: number, into: HttpRpc[]): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    const batch = Array.from({ length: Math.min(10, count - i) }, () => new HttpRpc(pool, url, "session"));
    await Promise.all(batch.map((session) => session.open()));
    into.push(...batch);
  }
}

import { spawn } from "node:child_process";
import type { BenchContext, Scenario } from "../lib/context.js";
import { HttpServerProcess, memoryOf } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { HttpRpc, StdioRpc } from "../lib/rpc.js";
import { KB, MB, sleep } from "../lib/stats.js";

/** RSS of the idle server, and what each idle HTTP session adds. */
export const memory: Scenario = {
  name: "memory",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const settle = quick ? 100 : 2000;
    const bare = await bareNodeRss(settle);
    const rows: Row[] = [];
    {
      const { server } = await StdioRpc.start(simulator.url);
      await sleep(settle);
      rows.push({
        group: "memory",
        measure: "RSS idle, stdio (after initialize)",
        value: server.memory().rss,
        unit: "memory",
        target: { max: 60 * MB },
        baseline: { label: "bare node", value: bare },
      });
      await server.close();
    }
    const http = await HttpServerProcess.start(simulator.url);
    try {
      await sleep(settle);
      rows.push({
        group: "memory",
        measure: "RSS idle, HTTP",
        value: http.memory().rss,
        unit: "memory",
        target: { max: 60 * MB },
        baseline: { label: "bare node", value: bare },
      });
      const total = quick ? 50 : 1000;
      const warm = 10;
      const pool = HttpRpc.pool(http.url, 10);
      const sessions: HttpRpc[] = [];
      const open = async (count: number) => {
        for (let i = 0; i < count; i += 10) {
          const batch = Array.from(
            { length: Math.min(10, count - i) },
            () => new HttpRpc(pool, http.url, "session"),
          );
          await Promise.all(batch.map((session) => session.open()));
          sessions.push(...batch);
        }
      };
      try {
        await open(warm);
        await sleep(settle);
        const before = http.memory().rss;
        progress(`opening ${total} idle sessions`);
        await open(total - warm);
        await sleep(settle);
        const after = http.memory().rss;
        rows.push({
          group: "memory",
          measure: "RSS per idle HTTP session (1,000 sessions)",
          value: Math.max(0, after - before) / (total - warm),
          unit: "memory",
          target: { max: 50 * KB },
          note: `RSS ${(before / MB).toFixed(1)} MB with ${warm} sessions, ${(after / MB).toFixed(1)} MB with ${total.toLocaleString("en-US")}`,
        });
      } finally {
        for (let i = 0; i < sessions.length; i += 50) {
          await Promise.all(
            sessions.slice(i, i + 50).map((session) => session.close().catch(() => undefined)),
          );
        }
        await pool.close();
      }
    } finally {
      await http.close();
    }
    return rows;
  },
};

/** RSS of a Node process doing nothing, on this machine and Node version. */
async function bareNodeRss(settle: number): Promise<number> {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
  try {
    await sleep(Math.max(settle, 200));
    return memoryOf(child.pid ?? 0).rss;
  } finally {
    child.kill();
  }
}

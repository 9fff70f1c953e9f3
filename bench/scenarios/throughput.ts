import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { DirectJenkins } from "../lib/direct.js";
import { HttpServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { type HttpMode, HttpRpc } from "../lib/rpc.js";

const ARGS = { jobFullName: "team/backend/api" };

/**
 * getJob calls per second over HTTP with 1, 10 and 100 concurrent clients, each calling again as
 * soon as it has its answer, stateless (2026-07-28 requests) and with 2025 sessions.
 */
export const throughput: Scenario = {
  name: "throughput",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const rows: Row[] = [];
    const seconds = quick ? 0.1 : 4;
    const warmup = quick ? 0 : 1;
    const direct = new DirectJenkins(simulator.url, 100);
    try {
      // One server for both: 2026-07-28 requests are stateless on it, 2025 clients get sessions.
      const server = await HttpServerProcess.start(simulator.url);
      try {
        for (const mode of ["stateless", "session"] as const) {
          for (const clients of [1, 10, 100]) {
            progress(`getJob over HTTP ${mode}, ${clients} clients, ${seconds} s`);
            await simulator.reset();
            const result = await load(server.url, mode, clients, warmup, seconds);
            const seen = (await simulator.requests()).slice(0, 1);
            const [request] = seen;
            if (!request) throw new Error("getJob made no Jenkins request");
            await simulator.reset();
            const baseline = await drive(clients, warmup, seconds, () => direct.replay(request));
            await simulator.reset();
            rows.push({
              group: "HTTP throughput",
              measure: `getJob, ${clients} client${clients > 1 ? "s" : ""}, ${mode === "stateless" ? "stateless" : "sessions"}`,
              value: result.rate,
              unit: "calls/s",
              ...(clients === 10 ? { target: { min: 2000 } } : {}),
              baseline: { label: "same Jenkins request direct", value: baseline.rate },
              note: `${result.calls} calls, ${result.errors} errors`,
            });
            if (result.errors > 0) throw new Error(`${result.errors} failed calls: ${result.firstError}`);
          }
        }
      } finally {
        await server.close();
      }
      return rows;
    } finally {
      await direct.close();
    }
  },
};

interface LoadResult {
  rate: number;
  calls: number;
  errors: number;
  firstError?: string;
}

async function load(
  url: string,
  mode: HttpMode,
  clients: number,
  warmup: number,
  seconds: number,
): Promise<LoadResult> {
  const pool = HttpRpc.pool(url, clients);
  const rpcs = Array.from({ length: clients }, () => new HttpRpc(pool, url, mode));
  try {
    await Promise.all(rpcs.map((rpc) => rpc.open()));
    expectOk((await rpcs[0]?.callTool("getJob", ARGS))?.result ?? {}, "getJob");
    return await drive(clients, warmup, seconds, async (client) => {
      const answer = await rpcs[client]?.callTool("getJob", ARGS);
      expectOk(answer?.result ?? { isError: true }, "getJob");
    });
  } finally {
    await Promise.all(rpcs.map((rpc) => rpc.close().catch(() => undefined)));
    await pool.close();
  }
}

/** `clients` loops calling `call` back to back; counts the calls finished in the measured window. */
async function drive(
  clients: number,
  warmup: number,
  seconds: number,
  call: (client: number) => Promise<unknown>,
): Promise<LoadResult> {
  const measureFrom = performance.now() + warmup * 1000;
  const stopAt = measureFrom + seconds * 1000;
  let calls = 0;
  let errors = 0;
  let firstError: string | undefined;
  const loop = async (client: number) => {
    for (;;) {
      const now = performance.now();
      if (now >= stopAt) return;
      try {
        await call(client);
        if (now >= measureFrom && performance.now() <= stopAt) calls++;
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => loop(client)));
  return { rate: calls / seconds, calls, errors, ...(firstError ? { firstError } : {}) };
}

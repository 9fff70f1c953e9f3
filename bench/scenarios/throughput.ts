import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { DirectJenkins } from "../lib/direct.js";
import { HttpServerProcess, type ReadyAnswer, SdkServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { type HttpMode, HttpRpc } from "../lib/rpc.js";

const ARGS = { jobFullName: "team/backend/api" };

/**
 * getJob calls per second over HTTP with 1, 10 and 100 concurrent clients, each calling again as
 * soon as it has its answer, stateless (2026-07-28 requests) and with 2025 sessions; then the SDK
 * alone answering getJob's answer at once, with 10 clients.
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
      let answer: ReadyAnswer;
      try {
        answer = await getJobAnswer(server.url);
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
      for (const mode of ["stateless", "session"] as const) {
        progress(`the SDK alone over HTTP ${mode}, 10 clients, ${seconds} s`);
        const sdk = await SdkServerProcess.start(mode, { answers: { getJob: answer } });
        try {
          const result = await load(sdk.url, mode, 10, warmup, seconds);
          rows.push({
            group: "HTTP throughput",
            measure: `the SDK alone answering at once, 10 clients, ${mode === "stateless" ? "stateless" : "sessions"}`,
            value: result.rate,
            unit: "calls/s",
            note: `a server doing only the SDK's work, its getJob answering getJob's answer with no Jenkins request (bench/lib/sdk-server.ts); ${result.calls} calls`,
          });
        } finally {
          await sdk.close();
        }
      }
      return rows;
    } finally {
      await direct.close();
    }
  },
};

/** What getJob answers, for the SDK alone to answer in its place. */
async function getJobAnswer(url: string): Promise<ReadyAnswer> {
  const pool = HttpRpc.pool(url, 1);
  try {
    return expectOk((await new HttpRpc(pool, url, "stateless").callTool("getJob", ARGS)).result, "getJob");
  } finally {
    await pool.close();
  }
}

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
export async function drive(
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

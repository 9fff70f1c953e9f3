import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { HttpServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { HttpRpc } from "../lib/rpc.js";
import { drive } from "./throughput.js";

const CLIENTS = 100;
/** A pipeline of the simulator's seed that runs for a minute: long enough to poll for 30 s. */
const JOB = "long-running";

/**
 * 100 clients polling getBuild of one running build back to back (each asks again as soon as it
 * has its answer: the worst case for Jenkins), over HTTP stateless: how many requests reach
 * Jenkins per second with identical reads shared (the default), and with JENKINS_SHARE_READS=false.
 * A running build is never kept fresh, so what the sharing saves is reads under way at once.
 */
export const coalescing: Scenario = {
  name: "coalescing",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const seconds = quick ? 1 : 30;
    const measured: Record<"shared" | "unshared", Polling> = {
      shared: await poll(simulator, seconds, {}, progress),
      unshared: await poll(simulator, seconds, { JENKINS_SHARE_READS: "false" }, progress),
    };
    const { shared, unshared } = measured;
    const group = "protecting Jenkins";
    const what = `${CLIENTS} clients polling getBuild of one running build`;
    return [
      {
        group,
        measure: `${what}: Jenkins requests, reads shared`,
        value: shared.jenkinsRate,
        unit: "calls/s",
        // The target: at least 10 times fewer requests than without sharing.
        target: { max: unshared.jenkinsRate / 10 },
        baseline: {
          label: "each call its own request (JENKINS_SHARE_READS=false)",
          value: unshared.jenkinsRate,
        },
        note: `${shared.calls} calls answered (${Math.round(shared.callRate)}/s) in ${seconds} s, ${shared.errors} errors`,
      },
      {
        group,
        measure: `${what}: Jenkins requests, each call its own`,
        value: unshared.jenkinsRate,
        unit: "calls/s",
        note: `${unshared.calls} calls answered (${Math.round(unshared.callRate)}/s) in ${seconds} s, ${unshared.errors} errors`,
      },
    ];
  },
};

interface Polling {
  calls: number;
  callRate: number;
  errors: number;
  jenkinsRate: number;
}

async function poll(
  simulator: BenchContext["simulator"],
  seconds: number,
  env: Record<string, string>,
  progress: BenchContext["progress"],
): Promise<Polling> {
  const server = await HttpServerProcess.start(simulator.url, { LOG_LEVEL: "warn", ...env });
  const pool = HttpRpc.pool(server.url, CLIENTS);
  try {
    const rpcs = Array.from({ length: CLIENTS }, () => new HttpRpc(pool, server.url, "stateless"));
    const started = await rpcs[0]?.callTool("triggerBuild", { jobFullName: JOB, waitFor: "started" });
    const buildNumber = expectOk(started?.result ?? { isError: true }, "triggerBuild").structured.buildNumber;
    const args = { jobFullName: JOB, buildNumber };
    progress(
      `${CLIENTS} clients polling ${JOB} #${buildNumber}, ${seconds} s${env.JENKINS_SHARE_READS ? " (not shared)" : ""}`,
    );
    const call = async (client: number) => {
      const answer = await rpcs[client]?.callTool("getBuild", args);
      const build = expectOk(answer?.result ?? { isError: true }, "getBuild").structured;
      if (build.building !== true) throw new Error(`${JOB} #${buildNumber} finished while polled`);
    };
    // Each client's first call, unmeasured: the server's first 100 answers cost it more.
    await Promise.all(rpcs.map((_, client) => call(client)));
    await simulator.reset();
    const result = await drive(CLIENTS, 0, seconds, call);
    const { count } = await simulator.summary();
    if (result.errors > 0) throw new Error(`${result.errors} failed calls: ${result.firstError}`);
    return {
      calls: result.calls,
      callRate: result.rate,
      errors: result.errors,
      jenkinsRate: count / seconds,
    };
  } finally {
    await pool.close();
    await server.close();
  }
}

import { spawn } from "node:child_process";
import type { BenchContext, Scenario } from "../lib/context.js";
import { serverEnv, spawnCli } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { StdioRpc } from "../lib/rpc.js";
import { median, timed } from "../lib/stats.js";

/** Node answering one line on stdin and exiting: the floor of any stdio server's start. */
const BARE_NODE = 'process.stdin.once("data", () => process.stdout.write("{}\\n", () => process.exit(0)))';

/** From spawning `jenkins-mcp` to the answer of its first tools/list over stdio. */
export const coldStart: Scenario = {
  name: "cold-start",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const runs = quick ? 2 : 15;
    progress(`${runs} cold starts`);
    const times: number[] = [];
    const bare: number[] = [];
    for (let run = 0; run < runs; run++) {
      times.push(await timed(() => firstToolsList(simulator.url)));
      bare.push(await timed(bareNode));
    }
    return [
      {
        group: "cold start",
        measure: "spawn to first tools/list answer, stdio (median)",
        value: median(times),
        unit: "ms",
        target: { max: 200 },
        baseline: { label: "bare node answering", value: median(bare) },
        note: `slowest of ${runs}: ${Math.max(...times).toFixed(0)} ms`,
      },
    ];
  },
};

async function firstToolsList(jenkinsUrl: string): Promise<void> {
  const child = spawnCli(serverEnv(jenkinsUrl));
  child.stderr?.resume();
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const rpc = new StdioRpc(child);
    const initialized = rpc.initialize();
    const list = rpc.request("tools/list");
    await initialized;
    const { result } = await list;
    if (!Array.isArray(result.tools) || result.tools.length === 0)
      throw new Error("tools/list listed no tools");
  } finally {
    child.stdin?.end();
    child.kill();
    await exited;
  }
}

async function bareNode(): Promise<void> {
  const child = spawn(process.execPath, ["-e", BARE_NODE], { stdio: ["pipe", "pipe", "ignore"] });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  await new Promise<void>((resolve) => {
    child.stdout?.once("data", () => resolve());
    child.stdin?.write("{}\n");
  });
  await exited;
}

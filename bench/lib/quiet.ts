import { readFileSync } from "node:fs";
import { sleep } from "./stats.js";

/** Busy and total CPU jiffies of the whole machine so far, from /proc/stat. */
function cpuTimes(): { busy: number; total: number } {
  const fields = (readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "")
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  const total = fields.reduce((sum, value) => sum + value, 0);
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
  return { busy: total - idle, total };
}

/** Share of the machine's CPU (0..1) in use over `ms`, by anything: the bench itself sits idle meanwhile. */
async function machineBusy(ms = 1000): Promise<number> {
  try {
    const before = cpuTimes();
    await sleep(ms);
    const after = cpuTimes();
    return (after.busy - before.busy) / Math.max(1, after.total - before.total);
  } catch {
    return 0;
  }
}

/**
 * Waits until other work on the machine (builds, tests) uses less than `threshold` of its CPU, for at
 * most `maxWaitMs`: with 2 cores, one busy neighbour doubles the latencies measured. Returns the share
 * last seen, recorded with the figures.
 */
export async function waitForQuiet(
  threshold: number,
  maxWaitMs: number,
  progress: (message: string) => void,
): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  let busy = await machineBusy();
  let told = false;
  while (busy > threshold && Date.now() < deadline) {
    if (!told)
      progress(
        `the machine is ${(busy * 100).toFixed(0)}% busy with other work: waiting for it to calm down`,
      );
    told = true;
    busy = await machineBusy(2000);
  }
  return busy;
}

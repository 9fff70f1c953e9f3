import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { DirectJenkins } from "../lib/direct.js";
import type { Row } from "../lib/report.js";
import { StdioRpc } from "../lib/rpc.js";
import type { SeenRequest } from "../lib/simulator-protocol.js";
import { median, timed } from "../lib/stats.js";

/** big-folder holds BIG_FOLDER_SIZE (10,000) jobs. */
const FOLDER_SIZE = 10_000;
const PAGE = 50;

/** getJobs first and last page of 50 in the 10,000-job folder: time and bytes from Jenkins. */
export const largeFolder: Scenario = {
  name: "large-folder",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const { server, rpc } = await StdioRpc.start(simulator.url);
    const direct = new DirectJenkins(simulator.url, 1);
    try {
      const pages = { first: 0, last: FOLDER_SIZE - PAGE };
      const runs = quick ? 5 : 100;
      progress(`getJobs pages of big-folder, ${runs} calls each`);
      const rows: Row[] = [];
      for (const [which, skip] of Object.entries(pages)) {
        const args = { parentFullName: "big-folder", skip, limit: PAGE };
        await simulator.reset();
        const { structured } = expectOk((await rpc.callTool("getJobs", args)).result, "getJobs");
        const jobs = structured.jobs as unknown[];
        const expectedNext = which === "last" ? null : PAGE;
        if (jobs.length !== PAGE || structured.nextSkip !== expectedNext) {
          throw new Error(`getJobs ${which} page: ${jobs.length} jobs, nextSkip ${structured.nextSkip}`);
        }
        const seen: SeenRequest[] = await simulator.requests();
        const bytes = seen.reduce((sum, request) => sum + request.responseBytes, 0);
        const times: number[] = [];
        const directTimes: number[] = [];
        for (let run = 0; run < runs; run++) {
          times.push(await timed(() => rpc.callTool("getJobs", args)));
          directTimes.push(await timed(() => direct.replayAll(seen)));
        }
        rows.push(
          {
            group: "large folder",
            measure: `getJobs ${which} page of 50 in 10,000 jobs: time (median)`,
            value: median(times),
            unit: "ms",
            target: { max: 30 },
            baseline: { label: "same Jenkins request direct", value: median(directTimes) },
          },
          {
            group: "large folder",
            measure: `bytes from the simulator, ${which} page`,
            value: bytes,
            unit: "bytes",
            target: { max: 16 * 1024 },
            baseline: { label: "whole folder", value: 0 },
          },
        );
      }
      // What a server that lists the whole folder would read, for scale.
      const whole = await direct.get(
        `/job/big-folder/api/json?tree=${encodeURIComponent("jobs[_class,name,fullName,url,color]")}`,
      );
      for (const row of rows) if (row.unit === "bytes" && row.baseline) row.baseline.value = whole;
      return rows;
    } finally {
      await direct.close();
      await server.close();
    }
  },
};

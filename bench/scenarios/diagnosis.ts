import { SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import type { Row } from "../lib/report.js";
import { StdioRpc } from "../lib/rpc.js";
import { median, timed } from "../lib/stats.js";

/** ops/nightly #1 failed in its tests after about 200 MB of log; the error is in its last lines. */
const HUGE = { jobFullName: SEED_JOBS.nightly, buildNumber: 1 };
/** diag/deploy-cleanup #4: the kubectl error, then about 3,000 lines of post actions. */
const BURIED = { jobFullName: SEED_JOBS.deployCleanup, buildNumber: 4 };
const HUGE_ERROR = "ApiControllerTest > rejectsExpiredToken() FAILED";
const BURIED_ERROR = 'error: unable to recognize "k8s/deploy.yaml"';

/** getFailureSummary: time on a 200 MB log, and the answer's size, whatever the log. */
export const diagnosis: Scenario = {
  name: "diagnosis",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const { server, rpc } = await StdioRpc.start(simulator.url);
    try {
      const runs = quick ? 2 : 9;
      progress(`getFailureSummary of ${HUGE.jobFullName} #1 (200 MB log), ${runs} times`);
      const times: number[] = [];
      let hugeBytes = 0;
      for (let run = 0; run < runs; run++) {
        let answer: Record<string, unknown> = {};
        times.push(
          await timed(async () => {
            answer = (await rpc.callTool("getFailureSummary", HUGE)).result;
          }),
        );
        hugeBytes = answerBytes(answer, "the 200 MB log", HUGE_ERROR);
      }
      const buried = (await rpc.callTool("getFailureSummary", BURIED)).result;
      const buriedBytes = answerBytes(buried, "the buried error", BURIED_ERROR);
      return [
        {
          group: "diagnosis",
          measure: "getFailureSummary of a failed build with a 200 MB log: time (median)",
          value: median(times),
          unit: "ms",
          target: { max: 1000 },
          note: `first call ${times[0]?.toFixed(0)} ms; ${runs} calls; it quotes "${HUGE_ERROR}"`,
        },
        {
          group: "diagnosis",
          measure:
            "answer size, text and structured content (200 MB log / error under 3,000 lines of cleanup)",
          value: Math.max(hugeBytes, buriedBytes),
          unit: "bytes",
          target: { max: 2000 },
          note: `${hugeBytes} and ${buriedBytes} bytes; the second quotes '${BURIED_ERROR}'`,
        },
      ];
    } finally {
      await server.close();
    }
  },
};

/** Bytes of the answer as a model receives it; it must quote the error it is run for. */
function answerBytes(result: Record<string, unknown>, what: string, error: string): number {
  const { text, structured } = expectOk(result, `getFailureSummary of ${what}`);
  if (!text.includes(error)) throw new Error(`the summary of ${what} misses "${error}":\n${text}`);
  return Buffer.byteLength(text) + Buffer.byteLength(JSON.stringify(structured));
}

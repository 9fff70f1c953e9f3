import { type BenchContext, expectOk, type Scenario } from "../lib/context.js";
import { DirectJenkins } from "../lib/direct.js";
import { resetPeak, SdkServerProcess } from "../lib/processes.js";
import type { Row } from "../lib/report.js";
import { StdioRpc } from "../lib/rpc.js";
import { MB, median, timed } from "../lib/stats.js";

const BIG_LOG = { jobFullName: "big-log", buildNumber: 1 };
/** big-log #1 ends with this line; its log is about 200 MB (BIG_LOG_LINES lines of 100 bytes). */
const LAST_LINE = "Finished: SUCCESS";

/** The last 100 lines of the 200 MB log: time, bytes Jenkins sent, and the server's peak memory. */
export const logTail: Scenario = {
  name: "log-tail",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const { server, rpc } = await StdioRpc.start(simulator.url);
    const direct = new DirectJenkins(simulator.url, 1);
    try {
      const idle = server.memory().rss;
      const runs = quick ? 3 : 15;
      progress(`getBuildLog tail of big-log #1, ${runs} times`);
      const times: number[] = [];
      const directTimes: number[] = [];
      let bytes = 0;
      let peak = 0;
      let totalBytes = 0;
      for (let run = 0; run < runs; run++) {
        await simulator.reset();
        resetPeak(server.pid);
        let answer: Record<string, unknown> = {};
        times.push(
          await timed(async () => {
            answer = (await rpc.callTool("getBuildLog", { ...BIG_LOG, limit: 100 })).result;
          }),
        );
        peak = Math.max(peak, server.memory().peak);
        const { structured, text } = expectOk(answer, "getBuildLog tail");
        if (structured.lineCount !== 100 || !text.endsWith(LAST_LINE)) {
          throw new Error(`the tail is not the last 100 lines: ${text.slice(-200)}`);
        }
        totalBytes = Number(structured.totalBytes);
        const seen = await simulator.requests();
        bytes = Math.max(
          bytes,
          seen.reduce((sum, request) => sum + request.responseBytes, 0),
        );
        directTimes.push(await timed(() => direct.replayAll(seen)));
      }
      const ms = median(times);
      const directMs = median(directTimes);
      return [
        {
          group: "log tail",
          measure: "getBuildLog last 100 lines of 200 MB: time (median)",
          value: ms,
          unit: "ms",
          target: { max: 100 },
          baseline: { label: "same Jenkins requests direct", value: directMs },
          note: `first call ${times[0]?.toFixed(1)} ms; ${runs} calls`,
        },
        {
          group: "log tail",
          measure: "bytes sent by the simulator",
          value: bytes,
          unit: "bytes",
          target: { max: 256 * 1024 },
          baseline: { label: "whole log", value: totalBytes },
        },
        {
          group: "log tail",
          measure: "peak RSS of the server",
          value: peak,
          unit: "memory",
          target: { max: 100 * MB },
          baseline: { label: "RSS before", value: idle },
        },
      ];
    } finally {
      await direct.close();
      await server.close();
    }
  },
};

/** Reads the 200 MB log to its end through `cursor`, asking for 5,000 lines a page, sampling RSS. */
export const logPaging: Scenario = {
  name: "log-paging",
  async run({ quick, simulator, progress }: BenchContext): Promise<Row[]> {
    const { server, rpc } = await StdioRpc.start(simulator.url);
    const direct = new DirectJenkins(simulator.url, 1);
    const idle = server.memory().rss;
    // --quick reads the first pages only; the full run reads to the end.
    const stopAt = quick ? 8 * MB : Number.POSITIVE_INFINITY;
    const samples: { at: number; rss: number }[] = [];
    let position = 0;
    const sampler = setInterval(() => samples.push({ at: position, rss: server.memory().rss }), 25);
    try {
      await simulator.reset();
      resetPeak(server.pid);
      let args: Record<string, unknown> = { ...BIG_LOG, skip: 0, limit: 5000 };
      let pages = 0;
      let lines = 0;
      let chars = 0;
      let totalBytes = 0;
      progress(`getBuildLog pages of 5,000 lines through big-log #1${quick ? " (first 8 MB)" : ""}`);
      const started = performance.now();
      for (;;) {
        const { structured } = expectOk((await rpc.callTool("getBuildLog", args)).result, "getBuildLog page");
        pages++;
        lines += Number(structured.lineCount);
        chars += String(structured.text).length;
        position = Number(structured.endByte);
        totalBytes = Number(structured.totalBytes);
        const next = structured.nextCursor;
        if (typeof next !== "string" || position >= stopAt) break;
        args = { ...BIG_LOG, limit: 5000, cursor: next };
      }
      const seconds = (performance.now() - started) / 1000;
      clearInterval(sampler);
      const peak = server.memory().peak;
      const { responseBytes } = await simulator.summary();
      if (!quick && position !== totalBytes)
        throw new Error(`paging stopped at ${position} of ${totalBytes}`);
      // The same bytes read straight from Jenkins, as fast as undici streams them.
      const directSeconds =
        (await timed(() => direct.get("/job/big-log/1/logText/progressiveText?start=0", position))) / 1000;
      const growth = rssGrowth(samples, position);
      progress(`${pages} pages, ${lines} lines, ${(position / MB).toFixed(0)} MB in ${seconds.toFixed(2)} s`);
      const pageChars = Math.round(chars / pages);
      const ceilingPages = quick ? 20 : 1000;
      progress(`the SDK alone: ${ceilingPages} pages of ${pageChars} characters over stdio`);
      const ceiling = await sdkPagingSpeed(pageChars, ceilingPages);
      return [
        {
          group: "log paging",
          measure: "read the 200 MB log to its end via cursor (limit 5,000): speed",
          value: position / MB / seconds,
          unit: "MB/s",
          target: { min: 100 },
          baseline: { label: "undici reading the log direct", value: position / MB / directSeconds },
          note: `${(position / MB).toFixed(0)} MB, ${pages} pages of ${Math.round(lines / pages)} lines on average (the server caps an answer's text), ${seconds.toFixed(2)} s`,
        },
        {
          group: "log paging",
          measure: "bytes sent by the simulator",
          value: responseBytes,
          unit: "bytes",
          baseline: { label: "bytes read", value: position },
        },
        {
          group: "log paging",
          measure: "peak RSS of the server",
          value: peak,
          unit: "memory",
          baseline: { label: "RSS before", value: idle },
        },
        {
          group: "log paging",
          measure: "RSS growth, first half to second half of the log (flat)",
          value: Math.max(0, growth.late - growth.early),
          unit: "memory",
          target: { max: 16 * MB },
          note: `max RSS ${(growth.early / MB).toFixed(1)} MB over the first half, ${(growth.late / MB).toFixed(1)} MB over the second`,
        },
        {
          group: "log paging",
          measure: "ceiling: the SDK alone answering such pages over stdio",
          value: ceiling,
          unit: "MB/s",
          note: `${ceilingPages} ready-made pages of ${pageChars} characters, as text and structured content like getBuildLog's; no Jenkins (bench/lib/sdk-server.ts)`,
        },
        {
          group: "log paging",
          // A cursor names the next page only once the answer is in, so reading a page from Jenkins
          // and answering it cannot overlap: their times per MB add up.
          measure: "bound: those pages, each first read from Jenkins as fast as undici reads it",
          value: 1 / (1 / ceiling + directSeconds / (position / MB)),
          unit: "MB/s",
          note: "the ceiling above with the direct read's time per MB added: what paging could reach if the server's own work were free",
        },
      ];
    } finally {
      clearInterval(sampler);
      await direct.close();
      await server.close();
    }
  },
};

/**
 * MB/s of log that an MCP server doing nothing but the SDK's work gets over stdio, in pages of
 * `pageChars` characters answered as getBuildLog answers them: a ceiling for the paging row.
 */
async function sdkPagingSpeed(pageChars: number, pages: number): Promise<number> {
  const server = await SdkServerProcess.start("stdio", { pageChars });
  try {
    const rpc = new StdioRpc(server.child);
    await rpc.initialize();
    await rpc.callTool("page", { cursor: "warm-up" });
    let bytes = 0;
    const started = performance.now();
    for (let page = 0; page < pages; page++) {
      const { structured } = expectOk((await rpc.callTool("page", { cursor: String(page) })).result, "page");
      bytes += Number(structured.logBytes);
    }
    return bytes / MB / ((performance.now() - started) / 1000);
  } finally {
    await server.close();
  }
}

/**
 * Highest RSS sampled while the first half of the log was read, and while the second half was.
 * Halves, because RSS saws up and down with V8's old-generation collections, some 250 pages apart,
 * and its peaks rise over the first few: a tenth holds one peak or none, so comparing tenths measured
 * where the collections fell (11-37 MB across runs) rather than growth (4-8 MB by halves).
 */
function rssGrowth(
  samples: readonly { at: number; rss: number }[],
  end: number,
): { early: number; late: number } {
  const highest = (from: number, to: number) =>
    Math.max(
      0,
      ...samples.filter((sample) => sample.at >= from && sample.at <= to).map((sample) => sample.rss),
    );
  return { early: highest(0, end / 2), late: highest(end / 2, end) };
}

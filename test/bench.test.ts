import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import type { Row } from "../bench/lib/report.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The rows of issue #8, each with a target the full run is held to. */
const TARGETED = [
  "getBuild over stdio: added p50",
  "getBuild over stdio: added p99",
  "getBuild over HTTP stateless: added p50",
  "getBuild over HTTP session: added p50",
  "getBuildLog last 100 lines of 200 MB: time (median)",
  "read the 200 MB log to its end via cursor (limit 5,000): speed",
  "RSS growth, first half to second half of the log (flat)",
  "getJobs first page of 50 in 10,000 jobs: time (median)",
  "getJobs last page of 50 in 10,000 jobs: time (median)",
  "getJob, 10 clients, stateless",
  "getJob, 10 clients, sessions",
  "100 clients polling getBuild of one running build: Jenkins requests, reads shared",
  "RSS idle, stdio (after initialize)",
  "RSS per idle HTTP session (1,000 sessions)",
  "spawn to first tools/list answer, stdio (median)",
  "tools/list, 7 tools",
  "getBuild answer (team/backend/api #4)",
  "getJobs answer (a page of 50)",
];

/** The SDK alone, measured beside the rows it bounds (bench/lib/sdk-server.ts). */
const SDK_ALONE = [
  "the SDK alone over stdio, answering at once: p50",
  "the SDK alone over HTTP stateless, answering at once: p99",
  "the SDK alone over HTTP session, answering at once: p50",
  "ceiling: the SDK alone answering such pages over stdio",
  "bound: those pages, each first read from Jenkins as fast as undici reads it",
  "the SDK alone answering at once, 10 clients, stateless",
  "the SDK alone answering at once, 10 clients, sessions",
  "the SDK alone, one tool: RSS per idle HTTP session (1,000 sessions)",
];

const GROUPS = [
  "tool-call overhead",
  "log tail",
  "log paging",
  "diagnosis",
  "large folder",
  "HTTP throughput",
  "protecting Jenkins",
  "memory",
  "cold start",
  "context cost",
  "soak",
];

/** A row of bench/results.json: the bench's row and whether it met its target. */
type ResultRow = Row & { ok: boolean | null };

// A smoke run at small sizes, so that the bench cannot rot: it checks the table's shape, never the
// figures, which depend on the machine and whatever else runs on it.
describe("npm run bench -- --quick", () => {
  const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-bench-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints every row with its figure, target and ratio, and writes the results", async () => {
    const out = join(dir, "results.json");
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "bench", "--", "--quick", "--out", out],
      {
        cwd: ROOT,
        timeout: 90_000,
      },
    );
    const results = JSON.parse(readFileSync(out, "utf8")) as {
      quick: boolean;
      failures: string[];
      machine: { cores: number };
      rows: ResultRow[];
    };
    expect(results.failures).toEqual([]);
    expect(results.quick).toBe(true);
    expect(results.machine.cores).toBeGreaterThan(0);
    expect([...new Set(results.rows.map((row) => row.group))]).toEqual(GROUPS);
    for (const measure of TARGETED) {
      const row = results.rows.find((candidate) => candidate.measure === measure);
      expect(row, measure).toBeDefined();
      expect(row?.target, measure).toBeDefined();
      expect(typeof row?.ok, measure).toBe("boolean");
    }
    for (const measure of SDK_ALONE) {
      expect(results.rows.find((candidate) => candidate.measure === measure)?.value, measure).toBeGreaterThan(
        0,
      );
    }
    for (const row of results.rows) {
      expect(Number.isFinite(row.value), row.measure).toBe(true);
      if (row.target || row.baseline) expect(Number.isFinite(row.ratio?.value), row.measure).toBe(true);
    }
    const table = stdout.split("\n").filter((line) => line.startsWith("| "));
    expect(table[0]).toBe("| what | measure | figure | target | ok | ratio | baseline |");
    expect(table).toHaveLength(results.rows.length + 2);
    for (const group of GROUPS) expect(stdout).toContain(`| ${group} |`);
  }, 120_000);
});

/**
 * `npm run bench`: measures speed, bytes, memory and context cost of the built server (dist/cli.js)
 * against the Jenkins simulator in its own process, prints the table and writes bench/results.json.
 * `--quick`: small sizes, a few seconds (the tests run it); `--only a,b`: some scenarios;
 * `--out file`: where the JSON goes; `--build`: rebuild dist/ even when it looks current;
 * `--cli path/cli.js`: measure another build of the server (a patched copy, an older version);
 * `--env NAME=value`: a setting for every server started (repeatable), e.g. LOG_LEVEL=warn.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { BenchContext, Scenario } from "./lib/context.js";
import { CLI, overrideServerEnv, ROOT, SimulatorProcess, useCli } from "./lib/processes.js";
import { waitForQuiet } from "./lib/quiet.js";
import { machine, passes, type Row, table, withRatio, writeResults } from "./lib/report.js";
import { coalescing } from "./scenarios/coalescing.js";
import { coldStart } from "./scenarios/cold-start.js";
import { contextCost } from "./scenarios/context.js";
import { diagnosis } from "./scenarios/diagnosis.js";
import { largeFolder } from "./scenarios/folder.js";
import { logPaging, logTail } from "./scenarios/logs.js";
import { memory } from "./scenarios/memory.js";
import { overhead } from "./scenarios/overhead.js";
import { soak } from "./scenarios/soak.js";
import { throughput } from "./scenarios/throughput.js";

/** In the order of the table in issue #8. */
const SCENARIOS: readonly Scenario[] = [
  overhead,
  logTail,
  logPaging,
  diagnosis,
  largeFolder,
  throughput,
  coalescing,
  memory,
  coldStart,
  contextCost,
  soak,
];

const { values: flags } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    only: { type: "string" },
    out: { type: "string" },
    build: { type: "boolean", default: false },
    cli: { type: "string" },
    env: { type: "string", multiple: true },
  },
});

/** Other work may use at most this share of the CPU when a scenario starts (full runs only). */
const QUIET = 0.1;
/** Waiting for quiet, all scenarios together: the run stays within 5 minutes. */
const QUIET_BUDGET_MS = 60_000;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

/**
 * Builds dist/ when a source is newer than the built CLI. Rebuilding when nothing changed would
 * rewrite dist/ under the tests that spawn it while `npm test` runs this bench with --quick.
 */
function ensureBuilt(force: boolean): void {
  const built = existsSync(CLI) ? statSync(CLI).mtimeMs : 0;
  const sources = [
    ...readdirSync(join(ROOT, "src"), { recursive: true, encoding: "utf8" }).map((file) => join("src", file)),
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "scripts/build.mjs",
  ];
  const newest = Math.max(...sources.map((file) => statSync(join(ROOT, file)).mtimeMs));
  if (!force && newest <= built) return;
  progress("building dist/ (npm run build)");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: ROOT, stdio: ["ignore", "inherit", "inherit"] });
}

async function main(): Promise<number> {
  const only = flags.only?.split(",").map((name) => name.trim());
  const unknown = only?.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name)) ?? [];
  if (unknown.length > 0) {
    progress(`unknown scenario ${unknown.join(", ")}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
    return 2;
  }
  overrideServerEnv(Object.fromEntries((flags.env ?? []).map((pair) => pair.split(/=(.*)/s).slice(0, 2))));
  if (flags.cli) useCli(resolve(flags.cli));
  else ensureBuilt(flags.build ?? false);
  const quick = flags.quick ?? false;
  const started = performance.now();
  const simulator = await SimulatorProcess.start();
  const context: BenchContext = { quick, simulator, progress };
  const rows: Row[] = [];
  const failures: string[] = [];
  /** Scenarios that started while other work kept the machine busy. */
  const noisy: string[] = [];
  let waited = 0;
  try {
    for (const scenario of SCENARIOS) {
      if (only && !only.includes(scenario.name)) continue;
      const waitStarted = Date.now();
      const budget = Math.max(0, QUIET_BUDGET_MS - waited);
      const busy = quick ? 0 : await waitForQuiet(QUIET, budget, progress);
      waited += Date.now() - waitStarted;
      if (busy > QUIET) noisy.push(`${scenario.name} (${(busy * 100).toFixed(0)}% busy)`);
      progress(`${scenario.name}…`);
      const scenarioStarted = performance.now();
      try {
        rows.push(...(await scenario.run(context)).map(withRatio));
      } catch (error) {
        failures.push(`${scenario.name}: ${(error as Error).stack ?? String(error)}`);
        progress(`${scenario.name} FAILED: ${(error as Error).message}`);
      }
      progress(`${scenario.name} done in ${((performance.now() - scenarioStarted) / 1000).toFixed(1)} s`);
    }
  } finally {
    simulator.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const host = machine();
  process.stdout.write(`\n${table(rows)}\n\n`);
  const notes = rows.filter((row) => row.note).map((row) => `- ${row.measure}: ${row.note}`);
  if (notes.length > 0) process.stdout.write(`${notes.join("\n")}\n\n`);
  process.stdout.write(
    `${host.cores} × ${host.cpu}, ${host.memoryGB} GB, ${host.os}, Node ${host.node}; ${seconds.toFixed(0)} s${quick ? " (--quick: smoke sizes, not figures to quote)" : ""}\n`,
  );
  if (noisy.length > 0) {
    process.stdout.write(`Other work was running during: ${noisy.join(", ")}; timings are pessimistic.\n`);
  }
  const missed = rows.filter((row) => passes(row) === false);
  if (missed.length > 0)
    process.stdout.write(`Targets missed: ${missed.map((row) => row.measure).join("; ")}\n`);
  const out = flags.out ?? join(ROOT, "bench", "results.json");
  writeResults(out, rows, {
    command: `npm run bench${quick ? " -- --quick" : ""}`,
    quick,
    date: new Date().toISOString(),
    seconds: Math.round(seconds),
    failures,
    noisy,
  });
  progress(`results written to ${out}`);
  for (const failure of failures) process.stderr.write(`\n${failure}\n`);
  return failures.length > 0 ? 1 : 0;
}

process.exitCode = await main();

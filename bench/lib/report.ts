import { writeFileSync } from "node:fs";
import { arch, cpus, release, totalmem } from "node:os";
import { KB, MB } from "./stats.js";

type Unit = "ms" | "bytes" | "MB/s" | "calls/s" | "memory" | "count";

/** One figure of the table. */
export interface Row {
  /** Which row of issue #8 it belongs to. */
  group: string;
  measure: string;
  value: number;
  unit: Unit;
  /** Upper (`max`) or lower (`min`) bound; none for figures shown for context only. */
  target?: { max?: number; min?: number };
  /** What the same work costs without the server, measured in the same run (same unit as value). */
  baseline?: { label: string; value: number };
  /** value ÷ baseline, or value ÷ target where nothing runs without the server (sizes, per-session memory). */
  ratio?: { value: number; of: string };
  note?: string;
}

export function passes(row: Row): boolean | undefined {
  if (!row.target) return undefined;
  const { max, min } = row.target;
  if (max !== undefined && !(row.value <= max)) return false;
  if (min !== undefined && !(row.value >= min)) return false;
  return true;
}

/** Adds a ratio to the baseline, or to the target when there is no baseline. */
export function withRatio(row: Row): Row {
  if (row.ratio) return row;
  if (row.baseline && row.baseline.value > 0) {
    return { ...row, ratio: { value: row.value / row.baseline.value, of: row.baseline.label } };
  }
  const bound = row.target?.max ?? row.target?.min;
  return bound ? { ...row, ratio: { value: row.value / bound, of: "target" } } : row;
}

function format(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return "n/a";
  switch (unit) {
    case "ms":
      return value < 10 ? `${value.toFixed(2)} ms` : `${Math.round(value)} ms`;
    case "bytes":
      return value < 10 * KB
        ? `${Math.round(value).toLocaleString("en-US")} B`
        : `${(value / KB).toFixed(1)} KB`;
    case "memory":
      return value < MB ? `${(value / KB).toFixed(1)} KB` : `${(value / MB).toFixed(1)} MB`;
    case "MB/s":
      return `${value.toFixed(0)} MB/s`;
    case "calls/s":
      return `${Math.round(value).toLocaleString("en-US")}/s`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
  }
}

function formatTarget(row: Row): string {
  if (!row.target) return "";
  const { max, min } = row.target;
  if (max !== undefined) return `≤ ${format(max, row.unit)}`;
  return min !== undefined ? `≥ ${format(min, row.unit)}` : "";
}

function formatRatio(row: Row): string {
  if (!row.ratio) return "";
  const digits = row.ratio.value >= 10 ? 0 : row.ratio.value >= 0.1 ? 2 : 4;
  return `${row.ratio.value.toFixed(digits)}× ${row.ratio.of}`;
}

/** The table as Markdown: it reads as well in a terminal as in the README. */
export function table(rows: readonly Row[]): string {
  const lines = [
    "| what | measure | figure | target | ok | ratio | baseline |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  let group = "";
  for (const row of rows) {
    const ok = passes(row);
    const baseline = row.baseline ? `${row.baseline.label} ${format(row.baseline.value, row.unit)}` : "";
    lines.push(
      `| ${row.group === group ? "" : row.group} | ${row.measure} | ${format(row.value, row.unit)} | ${formatTarget(row)} | ${ok === undefined ? "" : ok ? "yes" : "**no**"} | ${formatRatio(row)} | ${baseline} |`,
    );
    group = row.group;
  }
  return lines.join("\n");
}

export function machine(): Record<string, string | number> {
  const cpu = cpus();
  return {
    cpu: cpu[0]?.model.trim() ?? "unknown",
    cores: cpu.length,
    memoryGB: Math.round(totalmem() / 1024 ** 3),
    os: `${process.platform} ${release()} ${arch()}`,
    node: process.version,
  };
}

export function writeResults(path: string, rows: readonly Row[], meta: Record<string, unknown>): void {
  const results = rows.map((row) => ({ ...row, ok: passes(row) ?? null }));
  writeFileSync(path, `${JSON.stringify({ ...meta, machine: machine(), rows: results }, null, 2)}\n`);
}

/** Util.getTimeSpanString, as used in queue "why" messages ("4.9 sec", "59 min", "1 hr 0 min"). */

const UNITS: readonly (readonly [number, (n: number) => string])[] = [
  [365 * 24 * 3_600_000, (n) => `${n} yr`],
  [30 * 24 * 3_600_000, (n) => `${n} mo`],
  [24 * 3_600_000, (n) => `${n} ${n === 1 ? "day" : "days"}`],
  [3_600_000, (n) => `${n} hr`],
  [60_000, (n) => `${n} min`],
  [1000, (n) => `${n} sec`],
];

/** Java's default NumberFormat: at most three fraction digits, no trailing zeros. */
function decimal(value: number): string {
  return String(Number(value.toFixed(3)));
}

export function timeSpan(durationMs: number): string {
  const parts: number[] = [];
  let rest = Math.floor(durationMs);
  for (const [size] of UNITS) {
    parts.push(Math.floor(rest / size));
    rest %= size;
  }
  const millis = rest;
  for (let i = 0; i < UNITS.length - 1; i++) {
    const big = parts[i] ?? 0;
    if (big === 0) continue;
    const [, bigLabel] = UNITS[i] ?? [0, String];
    const [, smallLabel] = UNITS[i + 1] ?? [0, String];
    return big >= 10 ? bigLabel(big) : `${bigLabel(big)} ${smallLabel(parts[i + 1] ?? 0)}`;
  }
  const seconds = parts[UNITS.length - 1] ?? 0;
  if (seconds >= 10) return `${seconds} sec`;
  if (seconds >= 1) return `${decimal(seconds + Math.floor(millis / 100) / 10)} sec`;
  if (millis >= 100) return `${decimal(Math.floor(millis / 10) / 100)} sec`;
  return `${millis} ms`;
}

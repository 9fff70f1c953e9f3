/**
 * Java's `String.CASE_INSENSITIVE_ORDER` (String.compareToIgnoreCase), which core's
 * (`Jenkins.items`) and the folder plugin's item maps are ordered by: char by char in UTF-16 units,
 * two chars are equal when they are, or their `Character.toUpperCase` are, or the
 * `Character.toLowerCase` of those are. Lengths count, so `ß` is never `ss`.
 */
export function compareIgnoreCase(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    let x = a.charCodeAt(index);
    let y = b.charCodeAt(index);
    if (x === y) continue;
    x = toUpperCase(x);
    y = toUpperCase(y);
    if (x === y) continue;
    x = toLowerCase(x);
    y = toLowerCase(y);
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}

/** A key under which the names that compare equal (and no others) meet, for a map lookup. */
export function ignoreCaseKey(name: string): string {
  return Array.from({ length: name.length }, (_, index) =>
    String.fromCharCode(toLowerCase(toUpperCase(name.charCodeAt(index)))),
  ).join("");
}

/**
 * `Character.toUpperCase(char)`, UnicodeData's one-to-one mapping: where JavaScript's full mapping
 * makes more than one char (`ß` → `SS`), Java keeps the char, but for the Greek small letters with
 * ypogegrammeni (U+1F80..1FAF, 1FB3, 1FC3, 1FF3), which map to their titlecase forms.
 */
function toUpperCase(code: number): number {
  const mapped = String.fromCharCode(code).toUpperCase();
  if (mapped.length === 1) return mapped.charCodeAt(0);
  if (code >= 0x1f80 && code <= 0x1faf && code % 16 < 8) return code + 8;
  if (code === 0x1fb3 || code === 0x1fc3 || code === 0x1ff3) return code + 9;
  return code;
}

/** `Character.toLowerCase(char)`: JavaScript lowers `İ` (U+0130) to two chars, Java to `i`. */
function toLowerCase(code: number): number {
  const mapped = String.fromCharCode(code).toLowerCase();
  if (mapped.length === 1) return mapped.charCodeAt(0);
  return code === 0x130 ? 0x69 : code;
}

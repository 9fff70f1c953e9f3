/**
 * Item names as Jenkins compares them. Core's and the folder plugin's item maps use Java's
 * `String.CASE_INSENSITIVE_ORDER`: two names are the same item when they have the same length and,
 * char by char (UTF-16 code units), `Character.toLowerCase(Character.toUpperCase(c))` agrees. That
 * matches `ſ` with `s`, `ı` and `İ` with `i`, the Kelvin sign with `k`, but not `ß` with `ss`.
 * Every policy decision compares names folded this way, so no spelling Jenkins accepts for an item
 * can be decided differently from the item's own name.
 */
export function foldName(name: string): string {
  let folded = "";
  for (let index = 0; index < name.length; index++) folded += foldChar(name.charAt(index));
  return folded;
}

const folds = new Map<string, string>();

function foldChar(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x80) return code >= 0x41 && code <= 0x5a ? String.fromCharCode(code + 32) : char;
  let folded = folds.get(char);
  if (folded === undefined) {
    folded = simpleLower(simpleUpper(char));
    folds.set(char, folded);
  }
  return folded;
}

/**
 * Java's `Character.toUpperCase(char)`: the one-to-one mapping. JavaScript maps some letters to two
 * or three (`ß` to `SS`); for those Java keeps the letter, except the Greek letters with iota
 * subscript, whose simple mapping is their titlecase form (UnicodeData.txt).
 */
function simpleUpper(char: string): string {
  const upper = char.toUpperCase();
  if (upper.length === 1) return upper;
  const code = char.charCodeAt(0);
  const iotaRow = code & 0xfff0;
  if ((iotaRow === 0x1f80 || iotaRow === 0x1f90 || iotaRow === 0x1fa0) && (code & 0xf) < 8) {
    return String.fromCharCode(code + 8);
  }
  if (code === 0x1fb3 || code === 0x1fc3 || code === 0x1ff3) return String.fromCharCode(code + 9);
  return char;
}

/** Java's `Character.toLowerCase(char)`: only `İ` lowers to two chars in JavaScript, `i` in Java. */
function simpleLower(char: string): string {
  const lower = char.toLowerCase();
  if (lower.length === 1) return lower;
  return char === "\u0130" ? "i" : char;
}

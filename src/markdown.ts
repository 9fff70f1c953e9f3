/** Pieces of the Markdown that README.md's generated parts (settings, tools) are made of. */

/** One row of a Markdown table; empty cells stay empty. */
function tableRow(cells: readonly string[]): string {
  return `|${cells.map((cell) => (cell ? ` ${cell} ` : " ")).join("|")}|`;
}

/** A Markdown table: a header row, its rule, then the rows. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  return [tableRow(header), tableRow(header.map(() => "---")), ...rows.map(tableRow), ""].join("\n");
}

/**
 * The document with the text between `<!-- NAME -->` and `<!-- /NAME -->` replaced by `content`;
 * throws when the markers are missing, so a generator never writes nothing in silence.
 */
export function fillBlock(markdown: string, name: string, content: string): string {
  const start = `<!-- ${name} -->\n`;
  const end = `<!-- /${name} -->`;
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from);
  if (from === -1 || to === -1) throw new Error(`No ${start.trim()} ... ${end} block to fill`);
  return markdown.slice(0, from + start.length) + content + markdown.slice(to);
}

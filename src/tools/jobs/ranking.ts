import type { TreeItem } from "../../jenkins/tree.js";

/** The words of a query: lowercased, split at spaces and at the separators job names use. */
export function queryWords(query: string): string[] {
  return query
    .toLowerCase()
    .split(/[\s/_.,:-]+/)
    .filter(Boolean);
}

/**
 * How well an item matches, best first: 0 its name (or full name) is the query, 1 every word is in
 * its name, 2 in its full name, 3 in its display name, 4 spread over the three; undefined when a
 * word is in none of them.
 */
export function matchTier(item: TreeItem, query: string, words: readonly string[]): number | undefined {
  const exact = query.trim().toLowerCase();
  const name = item.name.toLowerCase();
  const fullName = item.fullName.toLowerCase();
  if (name === exact || fullName === exact) return 0;
  const displayName = item.displayName.toLowerCase();
  const fields = [name, fullName, displayName];
  const tier = fields.findIndex((field) => words.every((word) => field.includes(word)));
  if (tier >= 0) return tier + 1;
  return words.every((word) => fields.some((field) => field.includes(word))) ? 4 : undefined;
}

/** The items every word matches, best first; shorter names before longer ones of the same tier. */
export function rankJobs<Item extends TreeItem>(items: readonly Item[], query: string): Item[] {
  const words = queryWords(query);
  const ranked: Array<{ item: Item; tier: number }> = [];
  for (const item of items) {
    const tier = matchTier(item, query, words);
    if (tier !== undefined) ranked.push({ item, tier });
  }
  return ranked
    .sort(
      (a, b) =>
        a.tier - b.tier ||
        a.item.name.length - b.item.name.length ||
        a.item.fullName.length - b.item.fullName.length ||
        (a.item.fullName < b.item.fullName ? -1 : a.item.fullName > b.item.fullName ? 1 : 0),
    )
    .map(({ item }) => item);
}

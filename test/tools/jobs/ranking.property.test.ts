import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TreeItem } from "../../../src/jenkins/tree.js";
import { matchTier, queryWords, rankJobs } from "../../../src/tools/jobs/ranking.js";

/** searchJobs' ranking, for any jobs and any query: all words must match, best tier first. */
const word = fc.stringMatching(/^[a-c]{1,3}$/);
const name = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join("-"));

const item = fc
  .record({ folders: fc.array(name, { maxLength: 2 }), name, display: fc.option(name, { nil: undefined }) })
  .map(
    ({ folders, name, display }): TreeItem => ({
      name,
      fullName: [...folders, name].join("/"),
      displayName: display ?? name,
      type: "freestyle",
      status: "blue",
    }),
  );
const items = fc.uniqueArray(item, { selector: (job) => job.fullName, maxLength: 30 });
const query = fc.array(word, { minLength: 1, maxLength: 3 }).map((words) => words.join(" "));

function hasEveryWord(job: TreeItem, words: string[]): boolean {
  const fields = [job.name, job.fullName, job.displayName].map((field) => field.toLowerCase());
  return words.every((w) => fields.some((field) => field.includes(w)));
}

describe("rankJobs", () => {
  it("returns exactly the jobs that have every word somewhere", () => {
    fc.assert(
      fc.property(items, query, (jobs, q) => {
        const found = rankJobs(jobs, q).map((job) => job.fullName);
        const expected = jobs.filter((job) => hasEveryWord(job, queryWords(q))).map((job) => job.fullName);
        expect(new Set(found)).toEqual(new Set(expected));
        expect(found).toHaveLength(expected.length);
      }),
    );
  });

  it("orders by tier, then by the length of the name", () => {
    fc.assert(
      fc.property(items, query, (jobs, q) => {
        const words = queryWords(q);
        const ranked = rankJobs(jobs, q).map((job) => ({
          tier: matchTier(job, q, words) ?? 9,
          length: job.name.length,
        }));
        for (let i = 1; i < ranked.length; i++) {
          const [before, after] = [ranked[i - 1], ranked[i]] as [(typeof ranked)[0], (typeof ranked)[0]];
          expect(
            before.tier < after.tier || (before.tier === after.tier && before.length <= after.length),
          ).toBe(true);
        }
      }),
    );
  });

  it("puts a job whose name is the query first", () => {
    fc.assert(
      fc.property(items, (jobs) => {
        fc.pre(jobs.length > 0);
        const target = jobs[jobs.length - 1] as TreeItem;
        const first = rankJobs(jobs, target.name)[0];
        expect(first?.name.toLowerCase()).toBe(target.name.toLowerCase());
      }),
    );
  });

  it("ignores case and the separators between words", () => {
    fc.assert(
      fc.property(items, query, (jobs, q) => {
        const shouted = q.toUpperCase().split(" ").join("/_-");
        expect(rankJobs(jobs, shouted).map((job) => job.fullName)).toEqual(
          rankJobs(jobs, q).map((job) => job.fullName),
        );
      }),
    );
  });
});

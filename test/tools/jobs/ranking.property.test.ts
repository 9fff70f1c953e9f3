import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { TreeItem } from "../../../src/jenkins/tree.js";
import { matchTier, rankJobs } from "../../../src/tools/jobs/ranking.js";

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
/** A query's words (lowercase already), which the query joins with spaces. */
const queryWords = fc.array(word, { minLength: 1, maxLength: 3 });

function fieldsOf(job: TreeItem): string[] {
  return [job.name, job.fullName, job.displayName].map((field) => field.toLowerCase());
}

function hasEveryWord(job: TreeItem, words: string[]): boolean {
  return words.every((w) => fieldsOf(job).some((field) => field.includes(w)));
}

/**
 * The tiers searchJobs documents, best first: 0 the name or full name is the query, 1 every word
 * is in the name, 2 in the full name, 3 in the display name, 4 spread over them.
 */
function documentedTier(job: TreeItem, words: string[]): number {
  const fields = fieldsOf(job);
  const [name, fullName] = fields;
  if (name === words.join(" ") || fullName === words.join(" ")) return 0;
  const holder = fields.findIndex((field) => words.every((w) => field.includes(w)));
  return holder >= 0 ? holder + 1 : 4;
}

describe("rankJobs", () => {
  it("returns exactly the jobs that have every word somewhere", () => {
    fc.assert(
      fc.property(items, queryWords, (jobs, words) => {
        const found = rankJobs(jobs, words.join(" ")).map((job) => job.fullName);
        const expected = jobs.filter((job) => hasEveryWord(job, words)).map((job) => job.fullName);
        expect(new Set(found)).toEqual(new Set(expected));
        expect(found).toHaveLength(expected.length);
      }),
    );
  });

  it("orders by tier, then by the length of the name", () => {
    fc.assert(
      fc.property(items, queryWords, (jobs, words) => {
        const ranked = rankJobs(jobs, words.join(" ")).map((job) => ({
          tier: documentedTier(job, words),
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
      fc.property(items, queryWords, (jobs, words) => {
        const shouted = words.join("/_-").toUpperCase();
        expect(rankJobs(jobs, shouted).map((job) => job.fullName)).toEqual(
          rankJobs(jobs, words.join(" ")).map((job) => job.fullName),
        );
      }),
    );
  });
});

describe("matchTier", () => {
  const deploy: TreeItem = {
    name: "deploy-prod",
    fullName: "team/backend/deploy-prod",
    displayName: "Release to production",
    type: "pipeline",
    status: "blue",
  };

  it.each([
    ["deploy-prod", ["deploy", "prod"], 0],
    ["Team/Backend/Deploy-Prod", ["team", "backend", "deploy", "prod"], 0],
    ["prod deploy", ["prod", "deploy"], 1],
    ["backend deploy", ["backend", "deploy"], 2],
    ["release", ["release"], 3],
    ["backend release", ["backend", "release"], 4],
    ["frontend deploy", ["frontend", "deploy"], undefined],
  ])("ranks %j (words %j) in tier %s", (query, words, tier) => {
    expect(matchTier(deploy, query, words)).toBe(tier);
  });
});

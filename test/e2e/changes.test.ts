import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { Build, type Job } from "../../simulator/world.js";
import { expectOk, expectOneSentence, expectRefused, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getBuildChanges end to end, over stdio (the spawned CLI) and HTTP (the server in process), on the
 * seeded diag/payments (failing since #3, commits in every build) and diag/maven-compile; and the
 * age of failing tests getTestResults now shows.
 */
const JOB = SEED_JOBS.payments;
const JOB_API = "/job/diag/job/payments/api/json";
const CHANGES_FIELDS =
  "number,result,building,changeSet[items[commitId,timestamp,msg,author[fullName],authorEmail,affectedPaths{0,101}]{0,51}],changeSets[items[commitId,timestamp,msg,author[fullName],authorEmail,affectedPaths{0,101}]{0,51}]{0,10},culprits[fullName]{0,50}";
/** A job of 40 builds whose #38 was deleted: older builds are found at their distance from the last. */
const LONG_JOB = "scm-long-history";

const policyFile = teamReadsPolicy();

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20 });
    seedLongHistory(sim.world.addJob(LONG_JOB, { kind: "pipeline" }), sim);
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: policyFile } });
  });

  afterAll(async () => {
    await session?.close();
    await restricted?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  /** The commit as the tool shows it, from the simulator's own record of it. */
  function shown(build: number, index: number, author: string, files: number) {
    const commit = sim.world.getJob(JOB).getBuild(build)?.commits?.[index];
    if (!commit) throw new Error(`no commit ${index} in #${build}`);
    return {
      id: commit.id.slice(0, 7),
      commitId: commit.id,
      author,
      authorEmail: commit.authorEmail,
      time: new Date(Math.floor(commit.timestamp / 1000) * 1000).toISOString(),
      message: commit.message.split("\n")[0],
      files,
    };
  }

  describe("getBuildChanges", () => {
    it("lists the commits of each build since the last success, with Jenkins' culprits", async () => {
      const answer = await session.call("getBuildChanges", { jobFullName: JOB });
      expect(expectOk(answer)).toEqual({
        jobFullName: JOB,
        buildNumber: 6,
        sinceBuild: 2,
        builds: [
          { number: 6, result: "FAILURE", commits: [shown(6, 0, "dave.kim", 1), shown(6, 1, "alice", 1)] },
          { number: 5, result: "FAILURE", commits: [shown(5, 0, "bob", 1)] },
          { number: 4, result: "FAILURE", commits: [shown(4, 0, "bob", 2)] },
          { number: 3, result: "FAILURE", commits: [shown(3, 0, "alice", 2)] },
        ],
        culprits: ["alice", "bob", "dave.kim"],
        omittedBuilds: null,
        omittedCommits: 0,
      });
      const lines = answer.text.split("\n");
      expect(lines[0]).toBe(
        "diag/payments #6: changes since #2, the last success; 4 builds, 5 commits listed.",
      );
      expect(lines[1]).toBe("#6 FAILURE:");
      expect(lines[2]).toMatch(
        /^- [0-9a-f]{7} dave\.kim \d{4}-\d\d-\d\dT\d\d:\d\dZ Parse amounts in yen without decimals \(1 file\)$/,
      );
      expect(lines.at(-1)).toBe("Culprits (Jenkins): alice, bob, dave.kim.");
      // One bounded read of the results (for the last success), one of the changes, both at the top.
      const reads = sim.requests.filter(
        (request) => request.path === JOB_API && request.query.get("tree") !== "_class,fullName",
      );
      expect(reads.map((request) => request.query.get("tree"))).toEqual([
        "_class,lastBuild[number],allBuilds[number,result,building]{0,106}",
        `_class,lastBuild[number],allBuilds[${CHANGES_FIELDS}]{0,9}`,
      ]);
    });

    it("reads a freestyle build's changeSet, culprits mapped to accounts or e-mail names", async () => {
      const answer = await session.call("getBuildChanges", {
        jobFullName: SEED_JOBS.mavenCompile,
        buildNumber: 4,
      });
      expect(expectOk(answer)).toMatchObject({ sinceBuild: 3, culprits: ["bob", "Maria Rossi"] });
      expect(answer.text).toMatch(
        /\n- [0-9a-f]{7} bob \S+ Move ApiClient to the client module and use it from Api \(2 files\)\n/,
      );
    });

    it("starts after sinceBuild when given", async () => {
      const answer = await session.call("getBuildChanges", {
        jobFullName: JOB,
        buildNumber: 6,
        sinceBuild: 4,
      });
      const result = expectOk(answer);
      expect(result.sinceBuild).toBe(4);
      expect((result.builds as Array<{ number: number }>).map((build) => build.number)).toEqual([6, 5]);
      expect(answer.text.split("\n")[0]).toBe(
        "diag/payments #6: changes since #4; 2 builds, 3 commits listed.",
      );
    });

    it("says so when the builds brought no commits (a job without SCM)", async () => {
      const answer = await session.call("getBuildChanges", { jobFullName: SEED_JOBS.hello });
      expect(expectOk(answer)).toMatchObject({ buildNumber: 3, sinceBuild: 1, culprits: [] });
      expect(answer.text).toBe(
        [
          "hello #3: changes since #1, the last success; 2 builds, 0 commits listed.",
          "#3 SUCCESS: no commits",
          "#2 FAILURE: no commits",
          "Jenkins names no culprits.",
        ].join("\n"),
      );
    });

    it("finds an old build at its distance from the last one, also after newer builds were deleted", async () => {
      const answer = await session.call("getBuildChanges", {
        jobFullName: LONG_JOB,
        buildNumber: 10,
        sinceBuild: 7,
      });
      const result = expectOk(answer);
      expect((result.builds as Array<{ number: number }>).map((build) => build.number)).toEqual([10, 9, 8]);
      const trees = sim.requests
        .filter((request) => request.path === `/job/${LONG_JOB}/api/json`)
        .map((request) => request.query.get("tree"))
        .filter((tree) => tree !== "_class,fullName");
      // The top, then 30 positions down (where #10 would be without the deletion), then from the top.
      expect(trees).toEqual([
        `_class,lastBuild[number],allBuilds[${CHANGES_FIELDS}]{0,8}`,
        `allBuilds[${CHANGES_FIELDS}]{30,33}`,
        `allBuilds[${CHANGES_FIELDS}]{0,33}`,
      ]);
    });

    it("refuses a sinceBuild that is not lower than buildNumber, before asking Jenkins", async () => {
      const answer = await session.call("getBuildChanges", {
        jobFullName: JOB,
        buildNumber: 3,
        sinceBuild: 3,
      });
      expectOneSentence(answer, /^sinceBuild \(3\) must be lower than buildNumber \(3\)/);
      expect(sim.requests).toEqual([]);
    });

    it("refuses a sinceBuild that is not a number", async () => {
      const answer = await session.call("getBuildChanges", { jobFullName: JOB, sinceBuild: "last week" });
      expectRefused(answer, /sinceBuild/);
      expect(sim.requests).toEqual([]);
    });

    it("says a missing build is missing", async () => {
      const answer = await session.call("getBuildChanges", {
        jobFullName: JOB,
        buildNumber: 60,
        sinceBuild: 2,
      });
      expectOneSentence(answer, /^Build #60 of "diag\/payments" was not found/);
    });

    it("refuses a job the policy hides, before reading its builds", async () => {
      const answer = await restricted.call("getBuildChanges", { jobFullName: JOB });
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/diag\/payments/);
      expect(sim.requests.filter((request) => request.query.get("tree")?.includes("allBuilds"))).toEqual([]);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      // The job's name is resolved (and remembered) first, so that the fault hits the history read.
      expectOk(await session.call("getBuildChanges", { jobFullName: JOB, buildNumber: 6, sinceBuild: 5 }));
      sim.injectFault({ match: { path: JOB_API }, kind: "html500" });
      const answer = await session.call("getBuildChanges", { jobFullName: JOB, buildNumber: 6 });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while reading the build history of diag\/payments/,
      );
    });
  });

  describe("getTestResults", () => {
    it("tells a test failing for four builds from a new failure", async () => {
      const answer = await session.call("getTestResults", { jobFullName: JOB, buildNumber: 6 });
      const tests = expectOk(answer).tests as Array<Record<string, unknown>>;
      expect(tests.map(({ name, status, age, failedSince }) => ({ name, status, age, failedSince }))).toEqual(
        [
          { name: "roundsHalfEven()", status: "FAILED", age: 4, failedSince: 3 },
          { name: "parsesYen()", status: "REGRESSION", age: 1, failedSince: 6 },
        ],
      );
      expect(answer.text).toContain(
        "- FAILED com.example.payments.RefundTest.roundsHalfEven() (failing for 4 builds, since #3): expected: <10.02> but was: <10.03>",
      );
      expect(answer.text).toContain(
        "- REGRESSION com.example.payments.CurrencyTest.parsesYen() (new failure): ",
      );
    });

    it("leaves age out for passing and skipped tests", async () => {
      const answer = await session.call("getTestResults", {
        jobFullName: JOB,
        buildNumber: 6,
        onlyFailingTests: false,
      });
      const tests = expectOk(answer).tests as Array<Record<string, unknown>>;
      for (const test of tests.filter(
        (candidate) => candidate.status === "PASSED" || candidate.status === "SKIPPED",
      )) {
        expect(test).not.toHaveProperty("age");
        expect(test).not.toHaveProperty("failedSince");
      }
    });
  });
});

/** Builds #1 to #40 of `job`, failing from #5 on, one commit each; then #38 is deleted. */
function seedLongHistory(job: Job, sim: JenkinsSimulator): void {
  for (let number = 1; number <= 40; number++) {
    const build = new Build(job, number, sim.world.allocateQueueId(), Date.UTC(2026, 0, 1, number), [], null);
    build.result = number < 5 ? "SUCCESS" : "FAILURE";
    build.commits = [
      {
        id: number.toString(16).padStart(40, "a"),
        authorName: "Ann Lee",
        authorEmail: "ann.lee@example.com",
        timestamp: build.timestamp - 60_000,
        message: `change for #${number}`,
        paths: [{ editType: "edit", file: "README.md" }],
      },
    ];
    job.builds.push(build);
  }
  job.builds.splice(37, 1);
  job.nextBuildNumber = 41;
}

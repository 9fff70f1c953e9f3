import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { Build, type Commit, type Result } from "../../simulator/world.js";

/**
 * SCM changes and culprits as git-plugin (GitChangeSetList, GitChangeSet) and core (AbstractBuild,
 * WorkflowRun, RunWithSCM.calculateCulprits) export them, and the age of failing JUnit cases as
 * junit-plugin's CaseResult computes it.
 */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;
const PAYMENTS = "job/diag/job/payments/";
const MAVEN = "job/diag/job/maven-compile/";
const SHA = expect.stringMatching(/^[0-9a-f]{40}$/);

let sim: JenkinsSimulator;

async function json(path: string): Promise<Record<string, unknown>> {
  const response = await fetch(new URL(path, sim.url), { headers: { authorization: AUTHORIZATION } });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

function culpritNames(value: unknown): string[] {
  return (value as Array<{ fullName: string }>).map((user) => user.fullName);
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins" });
});

afterAll(async () => {
  await sim?.close();
});

describe("change sets", () => {
  it("exports a pipeline's changeSets as GitChangeSetList entries, author as a User without _class", async () => {
    const build = await json(`${PAYMENTS}6/api/json?tree=changeSets[*,items[*,author[*],paths[*]]]`);
    const [set] = build.changeSets as Array<{ _class: string; kind: string; items: unknown[] }>;
    expect(set).toMatchObject({ _class: "hudson.plugins.git.GitChangeSetList", kind: "git" });
    expect(set?.items).toHaveLength(2);
    expect(set?.items[0]).toEqual({
      _class: "hudson.plugins.git.GitChangeSet",
      affectedPaths: ["src/currency.ts"],
      commitId: SHA,
      timestamp: expect.any(Number),
      author: {
        absoluteUrl: `${sim.url}user/dave.kim`,
        description: null,
        fullName: "dave.kim",
        id: "dave.kim",
        property: [],
      },
      authorEmail: "dave.kim@example.com",
      comment: "Parse amounts in yen without decimals\n",
      date: expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000$/),
      id: SHA,
      msg: "Parse amounts in yen without decimals",
      paths: [{ editType: "edit", file: "src/currency.ts" }],
    });
    const item = set?.items[0] as { timestamp: number; date: string; id: string; commitId: string };
    expect(item.id).toBe(item.commitId);
    // GitChangeSet.getTimestamp parses `date`, to the second.
    expect(new Date(item.timestamp).toISOString().slice(0, 19).replace("T", " ")).toBe(
      item.date.slice(0, 19),
    );
  });

  it("lists a set's commits oldest first and keeps a message's first line in msg", async () => {
    const build = await json(`${MAVEN}2/api/json?tree=changeSet[items[msg,comment,timestamp]]`);
    const items = (build.changeSet as { items: Array<{ msg: string; comment: string; timestamp: number }> })
      .items;
    expect(items.map((item) => item.msg)).toEqual(["Bump jackson to 2.17.1", "Page the orders list"]);
    expect(items[1]?.comment).toBe(
      "Page the orders list\n\nThe list could hold 40,000 orders; pages of 100 keep the answer small.\n",
    );
    expect(items[0]?.timestamp).toBeLessThan(items[1]?.timestamp ?? 0);
  });

  it("gives freestyle builds changeSet (one set) and no changeSets", async () => {
    const build = await json(
      `${MAVEN}4/api/json?tree=changeSet[kind,items[commitId,msg,author[fullName]]],changeSets[kind]`,
    );
    expect(build).toEqual({
      _class: "hudson.model.FreeStyleBuild",
      changeSet: {
        _class: "hudson.plugins.git.GitChangeSetList",
        kind: "git",
        items: [
          {
            _class: "hudson.plugins.git.GitChangeSet",
            commitId: SHA,
            author: { fullName: "Maria Rossi" },
            msg: "Log slow queries",
          },
          {
            _class: "hudson.plugins.git.GitChangeSet",
            commitId: SHA,
            author: { fullName: "bob" },
            msg: "Move ApiClient to the client module and use it from Api",
          },
        ],
      },
    });
  });

  it("exports no change for jobs without an SCM: EmptyChangeLogSet, or no pipeline set at all", async () => {
    const freestyle = await json("job/hello/1/api/json?tree=changeSet[*],culprits[*]");
    expect(freestyle).toEqual({
      _class: "hudson.model.FreeStyleBuild",
      changeSet: { _class: "hudson.scm.EmptyChangeLogSet", items: [], kind: null },
      culprits: [],
    });
    const pipeline = await json("job/team/job/backend/job/api/1/api/json?tree=changeSets[*],culprits[*]");
    expect(pipeline).toEqual({
      _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
      changeSets: [],
      culprits: [],
    });
    const job = await json(`${MAVEN}api/json?tree=scm[*]`);
    expect(job.scm).toEqual({ _class: "hudson.plugins.git.GitSCM" });
  });

  it("cuts items and affectedPaths with ranges", async () => {
    const build = await json(`${PAYMENTS}6/api/json?tree=changeSets[items[affectedPaths]{0,1}]`);
    expect(build.changeSets).toEqual([
      {
        _class: "hudson.plugins.git.GitChangeSetList",
        items: [{ _class: "hudson.plugins.git.GitChangeSet", affectedPaths: ["src/currency.ts"] }],
      },
    ]);
  });

  it("cuts msg at a word before 72 characters, as the git plugin does by default", async () => {
    const job = sim.world.addJob("scm-long-message", {});
    const build = pastBuild(job, 1, "SUCCESS");
    const words = "Replace the hand-written retry loop in the bank client with the shared backoff helper";
    build.commits = [commit("Ann Lee <ann.lee@example.com>", `${words}\n\nBody.`)];
    const read = await json("job/scm-long-message/1/api/json?tree=changeSet[items[msg]]");
    expect((read.changeSet as { items: Array<{ msg: string }> }).items[0]?.msg).toBe(
      "Replace the hand-written retry loop in the bank client with the shared",
    );
  });
});

describe("culprits", () => {
  it("piles up the authors of a failing streak, back to the last success, sorted by user id", async () => {
    const builds = await json(`${PAYMENTS}api/json?tree=allBuilds[number,culprits[fullName,id]]`);
    const byNumber = Object.fromEntries(
      (builds.allBuilds as Array<{ number: number; culprits: unknown }>).map((b) => [
        b.number,
        culpritNames(b.culprits),
      ]),
    );
    expect(byNumber).toEqual({
      1: ["Maria Rossi"],
      2: ["ann.lee"],
      3: ["alice"],
      4: ["alice", "bob"],
      5: ["alice", "bob"],
      6: ["alice", "bob", "dave.kim"],
    });
  });

  it("maps an author to the account of that full name, else to the e-mail's local part", async () => {
    const build = await json(`${MAVEN}4/api/json?tree=culprits[*]`);
    expect(build.culprits).toEqual([
      { absoluteUrl: `${sim.url}user/bob`, description: null, fullName: "bob", id: "bob", property: [] },
      {
        absoluteUrl: `${sim.url}user/mrossi`,
        description: null,
        fullName: "Maria Rossi",
        id: "mrossi",
        property: [],
      },
    ]);
  });

  it("counts UNSTABLE and ABORTED as worse than SUCCESS, passes over running builds, stops at a success", async () => {
    const job = sim.world.addJob("scm-streak", { kind: "pipeline" });
    const results: Array<Result | null> = ["SUCCESS", "UNSTABLE", "ABORTED", null, "FAILURE"];
    const authors = [
      "Zoe <zoe@example.com>",
      "Ann Lee <ann.lee@example.com>",
      null,
      "Bob Stone <bob@example.com>",
      "Dave Kim <dave.kim@example.com>",
    ];
    results.forEach((result, index) => {
      const build = pastBuild(job, index + 1, result);
      const author = authors[index];
      build.commits = author ? [commit(author, `change ${index + 1}`)] : [];
    });
    const read = await json("job/scm-streak/api/json?tree=allBuilds[number,culprits[fullName]]");
    const byNumber = Object.fromEntries(
      (read.allBuilds as Array<{ number: number; culprits: unknown }>).map((b) => [
        b.number,
        culpritNames(b.culprits),
      ]),
    );
    // #4 still runs: #5's previous completed build is #3 (ABORTED), then #2 (UNSTABLE), then #1.
    expect(byNumber).toEqual({
      1: ["zoe"],
      2: ["ann.lee"],
      3: ["ann.lee"],
      4: ["ann.lee", "bob"],
      5: ["ann.lee", "dave.kim"],
    });
  });
});

describe("JUnit case age", () => {
  interface CaseJson {
    className: string;
    name: string;
    status: string;
    age: number;
    failedSince: number;
  }

  async function cases(build: number): Promise<Map<string, CaseJson>> {
    const report = await json(
      `${PAYMENTS}${build}/testReport/api/json?tree=suites[cases[className,name,status,age,failedSince]]`,
    );
    const all = (report.suites as Array<{ cases: CaseJson[] }>).flatMap((suite) => suite.cases);
    return new Map(all.map((test) => [`${test.className.replace(/^.*\./, "")}.${test.name}`, test]));
  }

  it("tells a test failing for four builds from a new failure", async () => {
    const latest = await cases(6);
    expect(latest.get("RefundTest.roundsHalfEven()")).toMatchObject({
      status: "FAILED",
      age: 4,
      failedSince: 3,
    });
    expect(latest.get("CurrencyTest.parsesYen()")).toMatchObject({
      status: "REGRESSION",
      age: 1,
      failedSince: 6,
    });
  });

  it("passes over a build without a report, which still counts in the age", async () => {
    expect((await cases(5)).get("RefundTest.roundsHalfEven()")).toMatchObject({ age: 3, failedSince: 3 });
    expect((await cases(3)).get("RefundTest.roundsHalfEven()")).toMatchObject({ age: 1, failedSince: 3 });
  });

  it("gives passed cases age 0, and skipped ones the build number plus one (CaseResult.getAge)", async () => {
    const latest = [...(await cases(6)).values()];
    expect(latest.find((test) => test.status === "PASSED")).toMatchObject({ age: 0, failedSince: 0 });
    expect(latest.find((test) => test.status === "SKIPPED")).toMatchObject({ age: 7, failedSince: 0 });
  });

  it("seeds a failing streak in diag/payments: #3 to #6 failed after two successes", () => {
    const job = sim.world.getJob(SEED_JOBS.payments);
    expect(job.builds.map((build) => build.result)).toEqual([
      "SUCCESS",
      "SUCCESS",
      "FAILURE",
      "FAILURE",
      "FAILURE",
      "FAILURE",
    ]);
    expect(job.builds.map((build) => build.testResult !== null)).toEqual([
      true,
      true,
      true,
      false,
      true,
      true,
    ]);
    expect(
      sim.world.getJob(SEED_JOBS.mavenCompile).builds.every((build) => (build.commits?.length ?? 0) > 0),
    ).toBe(true);
  });
});

let commitCount = 0;

function commit(author: string, message: string): Commit {
  const [, authorName = "", authorEmail = ""] = /^(.*?) <(.*)>$/.exec(author) ?? [];
  commitCount++;
  return {
    id: commitCount.toString(16).padStart(40, "0"),
    authorName,
    authorEmail,
    timestamp: Date.UTC(2026, 2, 4, 5, 6, commitCount),
    message,
    paths: [{ editType: "edit", file: "README.md" }],
  };
}

function pastBuild(
  job: ReturnType<JenkinsSimulator["world"]["addJob"]>,
  number: number,
  result: Result | null,
): Build {
  const build = new Build(job, number, sim.world.allocateQueueId(), Date.UTC(2026, 2, number), [], null);
  build.result = result;
  job.builds.push(build);
  job.nextBuildNumber = number + 1;
  return build;
}

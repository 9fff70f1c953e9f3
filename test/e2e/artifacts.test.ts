import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SUREFIRE_SUMMARY_LINES } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getArtifacts and readArtifact end to end, over stdio (the spawned CLI) and HTTP (the server in
 * process), on the artifacts of diag/maven-compile #3: a text report and a jar.
 */
const JOB = SEED_JOBS.mavenCompile;
const BUILD = `/job/diag/job/maven-compile/3/`;
const SUMMARY = "target/surefire-reports/summary.txt";
/** A build archiving a text file of 3 MB, past what readArtifact downloads. */
const HUGE_JOB = "diag/huge-report";
const HUGE_LINE = `${"x".repeat(99)}\n`;

const policyFile = teamReadsPolicy();

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20 });
    const huge = sim.world.addJob(HUGE_JOB, {});
    const { item } = sim.world.schedule(huge, null, { userId: "admin", userName: "admin" }, 0);
    await sim.world.waitFor(() => item.build !== null && !item.build.building);
    const build = item.build;
    if (!build) throw new Error("no build");
    build.artifacts = [{ relativePath: "report.txt", content: Buffer.from(HUGE_LINE.repeat(30_000)) }];
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

  describe("getArtifacts", () => {
    it("lists a build's artifacts from one bounded request", async () => {
      const answer = await session.call("getArtifacts", { jobFullName: JOB, buildNumber: 3 });
      expect(expectOk(answer)).toEqual({
        jobFullName: JOB,
        buildNumber: 3,
        url: `${sim.url}job/diag/job/maven-compile/3/`,
        artifacts: [
          { relativePath: SUMMARY, fileName: "summary.txt" },
          { relativePath: "target/app.jar", fileName: "app.jar" },
        ],
        hasMore: false,
      });
      expect(answer.text).toBe(
        [
          "Artifacts of diag/maven-compile #3 (2):",
          `- ${SUMMARY}`,
          "- target/app.jar",
          "readArtifact reads a text artifact by its relativePath.",
        ].join("\n"),
      );
      const read = sim.requests.filter((request) => request.path.startsWith(BUILD));
      expect(read.map((request) => request.query.get("tree"))).toEqual([
        "number,url,artifacts[fileName,relativePath]{0,101}",
      ]);
    });

    it("says when a build archived nothing", async () => {
      const answer = await session.call("getArtifacts", { jobFullName: JOB });
      expect(expectOk(answer)).toMatchObject({ buildNumber: 4, artifacts: [], hasMore: false });
      expect(answer.text).toBe("diag/maven-compile #4 archived no artifacts.");
    });

    it("refuses a job the policy hides, before reading the build", async () => {
      const answer = await restricted.call("getArtifacts", { jobFullName: JOB, buildNumber: 3 });
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/diag\/maven-compile/);
      expect(sim.requests.filter((request) => request.path.startsWith(BUILD))).toEqual([]);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: `${BUILD}api/json` }, kind: "html500" });
      const answer = await session.call("getArtifacts", { jobFullName: JOB, buildNumber: 3 });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while listing the artifacts of diag\/maven-compile #3/,
      );
    });
  });

  describe("readArtifact", () => {
    it("reads the first lines of a text artifact", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: JOB,
        buildNumber: 3,
        path: SUMMARY,
        limit: 3,
      });
      expect(expectOk(answer)).toEqual({
        jobFullName: JOB,
        buildNumber: 3,
        path: SUMMARY,
        text: [
          "-------------------------------------------------------",
          " T E S T S",
          "-------------------------------------------------------",
        ].join("\n"),
        lineCount: 3,
        skip: 0,
        hasMore: true,
        cut: false,
        sizeBytes: expect.any(Number),
      });
      expect(answer.text).toMatch(
        /^target\/surefire-reports\/summary.txt of diag\/maven-compile #3, lines 1-3:\n/,
      );
      expect(answer.text).toMatch(/\nMore lines follow: skip 3 reads on\.$/);
      // The job's name may be resolved first (or come from the cache); the file is read once.
      expect(sim.requests.map((request) => request.path).filter((path) => path.startsWith(BUILD))).toEqual([
        `${BUILD}artifact/target/surefire-reports/summary.txt`,
      ]);
    });

    it("reads a page with skip and limit, up to the end of the file", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: JOB,
        buildNumber: 3,
        path: SUMMARY,
        skip: SUREFIRE_SUMMARY_LINES - 2,
        limit: 10,
      });
      const result = expectOk(answer);
      expect(result).toMatchObject({
        lineCount: 2,
        skip: SUREFIRE_SUMMARY_LINES - 2,
        hasMore: false,
        cut: false,
      });
      expect(String(result.text).split("\n").at(-1)).toBe("BUILD SUCCESS");
      expect(answer.text).not.toMatch(/More lines/);
    });

    it("reads a permalink's build and names its number", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: HUGE_JOB,
        path: "report.txt",
        limit: 1,
      });
      expect(expectOk(answer)).toMatchObject({ buildNumber: 1, lineCount: 1, hasMore: true });
    });

    it("stops downloading at 2 MB and says the answer is cut", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: HUGE_JOB,
        buildNumber: 1,
        path: "report.txt",
        skip: 25_000,
        limit: 10,
      });
      expect(expectOk(answer)).toMatchObject({
        lineCount: 0,
        hasMore: true,
        cut: true,
        sizeBytes: 3_000_000,
      });
      expect(answer.text).toMatch(/The answer is cut: only the first 2 MB of the file are read\.$/);
    });

    it("refuses a binary artifact with its size", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: JOB,
        buildNumber: 3,
        path: "target/app.jar",
      });
      expectOneSentence(
        answer,
        /^target\/app\.jar of diag\/maven-compile #3 is a binary file \(4104 bytes\), not text: download it from the build's page in Jenkins\.$/,
      );
    });

    it("says a missing artifact is missing and where to look", async () => {
      const answer = await session.call("readArtifact", {
        jobFullName: JOB,
        buildNumber: 3,
        path: "target/nothing.txt",
      });
      expectOneSentence(
        answer,
        /has no artifact "target\/nothing\.txt".* List its artifacts with getArtifacts\.$/,
      );
    });

    it.each([
      "../../config.xml",
      "target/../../../secrets/master.key",
      "/etc/passwd",
      "target//app.jar",
      "target\\app.jar",
    ])("refuses %s before sending anything", async (path) => {
      const answer = await session.call("readArtifact", { jobFullName: JOB, buildNumber: 3, path });
      expectOneSentence(answer, /^path ".*" (contains|is absolute|has an empty segment)/);
      expect(sim.requests).toEqual([]);
    });

    it("refuses a job the policy hides, before reading the artifact", async () => {
      const answer = await restricted.call("readArtifact", {
        jobFullName: JOB,
        buildNumber: 3,
        path: SUMMARY,
      });
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/diag\/maven-compile/);
      expect(sim.requests.filter((request) => request.path.includes("/artifact/"))).toEqual([]);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: `${BUILD}artifact/${SUMMARY}` }, kind: "html500" });
      const answer = await session.call("readArtifact", { jobFullName: JOB, buildNumber: 3, path: SUMMARY });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while reading the artifact target\/surefire-reports\/summary\.txt of diag\/maven-compile #3/,
      );
    });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getJobScm and findJobsBySource end to end, over stdio and HTTP. The seed: team/backend/api is a
 * pipeline from https://github.com/acme/api.git (its definition only in config.xml), team/frontend/web
 * a freestyle job of git@github.com:acme/web.git, and mb a multibranch project of
 * ssh://git@GitHub.com/acme/api (its remote only in config.xml; its branch jobs export theirs).
 */
describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;
  let reader: Session;
  const paths = () => sim.requests.map((request) => request.path);

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: teamReadsPolicy() } });
    const { id, apiToken } = SIMULATOR_USERS.reader;
    reader = await openSession(transport, sim.url, {
      env: { JENKINS_USER: id, JENKINS_API_TOKEN: apiToken },
    });
  });

  afterAll(async () => {
    await session?.close();
    await restricted?.close();
    await reader?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  describe("getJobScm", () => {
    it("reads a freestyle job's git SCM from api/json alone", async () => {
      const answer = await session.call("getJobScm", { jobFullName: SEED_JOBS.web });
      expect(expectOk(answer)).toEqual({
        jobFullName: SEED_JOBS.web,
        type: "freestyle",
        repositories: [
          { url: "git@github.com:acme/web.git", branches: ["*/main", "*/release/*"], scriptPath: null },
        ],
        lastBuildRemotes: ["git@github.com:acme/web.git"],
        note: null,
      });
      expect(paths().filter((path) => path.endsWith("config.xml"))).toEqual([]);
    });

    it("reads a pipeline's Jenkinsfile repository from config.xml", async () => {
      const answer = await session.call("getJobScm", { jobFullName: SEED_JOBS.api });
      expect(expectOk(answer)).toMatchObject({
        repositories: [
          { url: "https://github.com/acme/api.git", branches: ["*/main"], scriptPath: "Jenkinsfile" },
        ],
      });
      expect(answer.text.split("\n")[1]).toBe(
        "- https://github.com/acme/api.git (branches */main), pipeline script Jenkinsfile",
      );
      expect(paths().filter((path) => path.endsWith("config.xml"))).toEqual([
        "/job/team/job/backend/job/api/config.xml",
      ]);
    });

    it("reads a multibranch project's source, and a branch job's own branch", async () => {
      const project = await session.call("getJobScm", { jobFullName: SEED_JOBS.multibranch });
      expect(expectOk(project)).toMatchObject({
        type: "multibranch",
        repositories: [{ url: "ssh://git@GitHub.com/acme/api", branches: [], scriptPath: "Jenkinsfile" }],
      });
      const branch = await session.call("getJobScm", { jobFullName: "mb/feature/login" });
      expect(expectOk(branch)).toMatchObject({
        jobFullName: SEED_JOBS.mbFeature,
        repositories: [{ url: "ssh://git@GitHub.com/acme/api", branches: ["feature/login"] }],
      });
    });

    it("says config.xml needs Extended Read, and still tells what the last build checked out", async () => {
      const answer = await reader.call("getJobScm", { jobFullName: SEED_JOBS.api });
      expect(expectOk(answer)).toMatchObject({
        repositories: [],
        lastBuildRemotes: ["https://github.com/acme/api.git"],
        note: expect.stringMatching(/needs the Extended Read permission/),
      });
    });

    it("is refused by the policy before anything of the job is read", async () => {
      const answer = await restricted.call("getJobScm", { jobFullName: "hello" });
      expectOneSentence(answer, /^Refused by policy: no policy rule allows client ".*" to read hello/);
      expect(sim.requests).toEqual([]);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/job/team/job/backend/job/api/config.xml" }, kind: "html500" });
      const answer = await session.call("getJobScm", { jobFullName: SEED_JOBS.api });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while reading the configuration of team\/backend\/api/,
      );
    });
  });

  describe("findJobsBySource", () => {
    // First of this block: the tree is kept 30 s, so a later call would not ask Jenkins again.
    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/api/json" }, kind: "html500" });
      const answer = await session.call("findJobsBySource", { repositoryUrl: "github.com/acme/web" });
      expectOneSentence(answer, /^Jenkins failed with 500\b.* while reading the sources of the jobs/);
    });
    it("finds a repository's jobs whatever its spelling, branch jobs under their project, from one request", async () => {
      const answer = await session.call("findJobsBySource", { repositoryUrl: "git@GITHUB.com:Acme/API.git" });
      expect(expectOk(answer)).toEqual({
        repository: "github.com/acme/api",
        jobs: [
          { fullName: "mb", type: "multibranch", via: "branches", branches: ["feature%2Flogin", "main"] },
          { fullName: SEED_JOBS.api, type: "pipeline", via: "lastBuild" },
        ],
        total: 2,
        unexplored: [],
      });
      expect(paths()).toEqual(["/api/json"]);
    });

    it("searches below a folder only", async () => {
      const answer = await session.call("findJobsBySource", {
        repositoryUrl: "https://github.com/acme/api",
        parentFullName: "team",
      });
      expect(expectOk(answer)).toMatchObject({ jobs: [{ fullName: SEED_JOBS.api }], total: 1 });
    });

    it("refuses what is no repository address, sending nothing", async () => {
      const answer = await session.call("findJobsBySource", { repositoryUrl: "api" });
      expectOneSentence(answer, /^"api" is not a repository address: give it as https:\/\/host\/org\/repo/);
      expect(sim.requests).toEqual([]);
    });

    it("shows only what the policy lets the client read", async () => {
      const answer = await restricted.call("findJobsBySource", { repositoryUrl: "github.com/acme/api" });
      expect(expectOk(answer)).toMatchObject({ jobs: [{ fullName: SEED_JOBS.api }], total: 1 });
    });
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/** setJobEnabled and updateBuild end to end, over stdio and HTTP: policy action "configure". */
const BUILD = "/job/team/job/backend/job/api/2/";

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-configure-"));
const triggerOnly = join(dir, "policy.yaml");
writeFileSync(
  triggerOnly,
  'rules:\n  - name: runs-only\n    clients: ["*"]\n    jobs: ["**"]\n    allow: [read, trigger, cancel, create]\n',
);

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;
  let reader: Session;
  const posts = () =>
    sim.requests.filter((request) => request.method === "POST").map((request) => request.path);

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: triggerOnly } });
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

  describe("setJobEnabled", () => {
    it("disables a job and enables it again, one POST each", async () => {
      const off = await session.call("setJobEnabled", { jobFullName: "HELLO", enabled: false });
      expect(expectOk(off)).toEqual({ jobFullName: "hello", enabled: false, changed: true });
      expect(off.text).toBe("hello is now disabled.");
      expect(sim.world.getJob("hello").disabled).toBe(true);
      const on = await session.call("setJobEnabled", { jobFullName: "hello", enabled: true });
      expect(expectOk(on)).toMatchObject({ enabled: true, changed: true });
      expect(posts()).toEqual(["/job/hello/disable", "/job/hello/enable"]);
    });

    it("sends nothing when the job already is as asked", async () => {
      const answer = await session.call("setJobEnabled", { jobFullName: SEED_JOBS.disabled, enabled: false });
      expect(expectOk(answer)).toMatchObject({ changed: false });
      expect(answer.text).toBe("disabled-job is already disabled; nothing was sent.");
      expect(posts()).toEqual([]);
    });

    it("refuses a folder, sending nothing", async () => {
      const answer = await session.call("setJobEnabled", { jobFullName: "team", enabled: false });
      expectOneSentence(answer, /^team is a folder, not a job: enable or disable the jobs inside it\.$/);
      expect(posts()).toEqual([]);
    });

    it("is refused by a policy that does not allow configure, before any request", async () => {
      const answer = await restricted.call("setJobEnabled", { jobFullName: "hello", enabled: false });
      expectOneSentence(answer, /^Refused by policy: no policy rule allows client ".*" to configure hello/);
      expect(sim.requests).toEqual([]);
    });

    it("gives Jenkins' refusal of a multibranch branch job in one sentence", async () => {
      const answer = await session.call("setJobEnabled", { jobFullName: SEED_JOBS.mbMain, enabled: false });
      expectOneSentence(
        answer,
        /^mb\/main is a branch job of the multibranch project mb: Jenkins lets no one enable or disable it; its branch source decides which branches build\.$/,
      );
      expect(sim.world.getJob(SEED_JOBS.mbMain).disabled).toBe(false);
    });

    it("names the permission a Jenkins user lacks", async () => {
      const answer = await reader.call("setJobEnabled", { jobFullName: "hello", enabled: false });
      expectOneSentence(answer, /reader.*Job\/Configure/);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: "/job/hello/disable" }, kind: "html500" });
      const answer = await session.call("setJobEnabled", { jobFullName: "hello", enabled: false });
      expectOneSentence(answer, /^Jenkins failed with 500\b.* while disabling hello/);
    });
  });

  describe("updateBuild", () => {
    it("sets a description and keeps the build forever, one POST each", async () => {
      const answer = await session.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        description: "release 2.0 candidate",
        keepForever: true,
      });
      expect(expectOk(answer)).toEqual({
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        description: "release 2.0 candidate",
        displayName: "#2",
        keepForever: true,
        changed: ["description", "keepForever"],
      });
      expect(answer.text).toBe(
        'Changed description, keepForever of team/backend/api #2: display name "#2", description "release 2.0 candidate", kept forever.',
      );
      expect(posts()).toEqual([`${BUILD}submitDescription`, `${BUILD}toggleLogKeep`]);
    });

    it("renames a build through configSubmit, keeping its description, and restores #N with an empty name", async () => {
      const renamed = await session.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        displayName: "2.0-rc1",
      });
      expect(expectOk(renamed)).toMatchObject({
        displayName: "2.0-rc1",
        description: "release 2.0 candidate",
        changed: ["displayName"],
      });
      expect(sim.world.getJob(SEED_JOBS.api).getBuild(2)?.description).toBe("release 2.0 candidate");
      const restored = await session.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        displayName: "",
      });
      expect(expectOk(restored)).toMatchObject({ displayName: "#2" });
      expect(posts()).toEqual([`${BUILD}configSubmit`, `${BUILD}configSubmit`]);
    });

    it("sends nothing when the build already is as asked", async () => {
      const answer = await session.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        keepForever: true,
      });
      expect(expectOk(answer)).toMatchObject({ changed: [] });
      expect(answer.text).toMatch(/nothing was sent\.$/);
      expect(posts()).toEqual([]);
    });

    it("refuses a call that changes nothing, before any request", async () => {
      const answer = await session.call("updateBuild", { jobFullName: SEED_JOBS.api, buildNumber: 2 });
      expectOneSentence(answer, /^Give at least one of description, displayName or keepForever\.$/);
      expect(sim.requests).toEqual([]);
    });

    it("is refused by a policy that does not allow configure, before any request", async () => {
      const answer = await restricted.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        keepForever: false,
      });
      expectOneSentence(answer, /^Refused by policy: .* to configure team\/backend\/api/);
      expect(sim.requests).toEqual([]);
    });

    it("names the permission a Jenkins user lacks", async () => {
      const answer = await reader.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        keepForever: false,
      });
      expectOneSentence(answer, /reader.*Run\/Delete/);
      expect(sim.world.getJob(SEED_JOBS.api).getBuild(2)?.keepLog).toBe(true);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: `${BUILD}toggleLogKeep` }, kind: "html500" });
      const answer = await session.call("updateBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 2,
        keepForever: false,
      });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while changing whether Jenkins keeps team\/backend\/api #2/,
      );
    });
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { DEFAULT_PIPELINE_SCRIPT } from "../../simulator/world.js";
import { expectOk, expectOneSentence } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getReplayScript and replayBuild end to end, over stdio and HTTP, against workflow-cps's
 * ReplayAction as the simulator serves it: the script from the replay page, `replay/run`'s form.
 */
const JOB = SEED_JOBS.mbMain;
const REPLAY_PAGE = "/job/mb/job/main/1/replay/";
const LIBRARY = "def greet() { echo 'hi' }\nreturn this";
const TOKEN = "ghp_0123456789abcdefABCDEF0123456789abcd";

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-replay-"));
const replayPolicy = join(dir, "policy.yaml");
writeFileSync(
  replayPolicy,
  'rules:\n  - name: mb-replays\n    clients: ["*"]\n    jobs: ["mb/**", "team/**"]\n    allow: [read, replay]\n',
);

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let plain: Session;
  let confirming: Session;
  let blind: Session;
  let reader: Session;
  let answer: "accept" | "decline";
  const questions: string[] = [];
  const posts = () =>
    sim.requests.filter((request) => request.method === "POST").map((request) => request.path);

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20, buildDurationMs: 50 });
    const loading = sim.world.getJob(JOB).getBuild(1);
    const secret = sim.world.getJob(SEED_JOBS.deployApi).getBuild(1);
    if (!loading || !secret) throw new Error("the seed lacks mb/main #1 or deploy-api #1");
    loading.loadedScripts = { "lib.Greeter": LIBRARY };
    secret.script = `pipeline { agent any; stages { stage('x') { steps { sh "curl -H 'token ${TOKEN}' x" } } } }`;
    plain = await openSession(transport, sim.url);
    confirming = await openSession(transport, sim.url, {
      env: { JENKINS_MCP_POLICY: replayPolicy },
      onElicit: (message) => {
        questions.push(message);
        return answer;
      },
    });
    blind = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: replayPolicy } });
    const { id, apiToken } = SIMULATOR_USERS.reader;
    reader = await openSession(transport, sim.url, {
      env: { JENKINS_USER: id, JENKINS_API_TOKEN: apiToken },
    });
  });

  afterAll(async () => {
    for (const session of [plain, confirming, blind, reader]) await session?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
    questions.length = 0;
  });

  describe("getReplayScript", () => {
    it("reads the script a build ran and the scripts it loaded, from the replay page", async () => {
      const result = expectOk(
        await plain.call("getReplayScript", { jobFullName: "mb/main", buildNumber: 1 }),
      );
      expect(result).toEqual({
        jobFullName: JOB,
        buildNumber: 1,
        script: DEFAULT_PIPELINE_SCRIPT,
        loadedScripts: [{ name: "lib_Greeter", script: LIBRARY }],
        masked: false,
      });
      expect(sim.requests.map((request) => request.path)).toContain(REPLAY_PAGE);
    });

    it("masks a secret in the script, and says so", async () => {
      const answer = await plain.call("getReplayScript", {
        jobFullName: SEED_JOBS.deployApi,
        buildNumber: 1,
      });
      expect(expectOk(answer)).toMatchObject({ masked: true });
      expect(answer.text).not.toContain(TOKEN);
      expect(answer.text).toMatch(/Secrets in it show as \*\*\*\*/);
    });

    it("says when the Jenkins user may neither replay nor rebuild", async () => {
      const answer = await reader.call("getReplayScript", { jobFullName: JOB, buildNumber: 1 });
      expectOneSentence(answer, /offers no replay: .*\(Run\/Replay, implied by Job\/Configure\)/);
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: REPLAY_PAGE }, kind: "html500" });
      const answer = await plain.call("getReplayScript", { jobFullName: JOB, buildNumber: 1 });
      expectOneSentence(answer, /^Jenkins failed with 500\b.* while reading the replay page of mb\/main #1/);
    });
  });

  describe("replayBuild", () => {
    const changed = DEFAULT_PIPELINE_SCRIPT.replace("./build.sh", "./build.sh --verbose");

    it("is refused without a policy rule that allows replay, before any request", async () => {
      const answer = await plain.call("replayBuild", { jobFullName: JOB, buildNumber: 1, script: changed });
      expectOneSentence(
        answer,
        /^Refused: replay runs pipeline code that no one has reviewed in Jenkins, so it needs a policy rule that allows replay/,
      );
      expect(sim.requests).toEqual([]);
    });

    it("is refused when the person cannot be asked", async () => {
      const answer = await blind.call("replayBuild", { jobFullName: JOB, buildNumber: 1, script: changed });
      expectOneSentence(answer, /needs a person to confirm replay on mb\/main/);
      expect(posts()).toEqual([]);
    });

    it("sends nothing when the person declines", async () => {
      answer = "decline";
      const declined = await confirming.call("replayBuild", {
        jobFullName: JOB,
        buildNumber: 1,
        script: changed,
      });
      expect(declined.isError).toBe(true);
      expect(questions).toEqual([expect.stringMatching(/to replay mb\/main #1 with a changed script\?/)]);
      expect(posts()).toEqual([]);
    });

    it("replays with the changed script once the person accepts, the loaded scripts as they were", async () => {
      answer = "accept";
      const before = sim.world.getJob(JOB).nextBuildNumber;
      const result = expectOk(
        await confirming.call("replayBuild", { jobFullName: JOB, buildNumber: 1, script: changed }),
      );
      expect(result).toEqual({
        jobFullName: JOB,
        replayOf: 1,
        scriptChanged: true,
        loadedScriptsChanged: [],
      });
      expect(posts()).toEqual(["/job/mb/job/main/1/replay/run"]);
      await sim.world.waitFor(() => sim.world.getJob(JOB).getBuild(before) !== undefined);
      const replayed = sim.world.getJob(JOB).getBuild(before);
      expect([replayed?.replayOf, replayed?.script, replayed?.loadedScripts]).toEqual([
        1,
        changed,
        { "lib.Greeter": LIBRARY },
      ]);
    });

    it("refuses a script that carries the mask where the original had a secret", async () => {
      answer = "accept";
      const masked = String(
        expectOk(
          await confirming.call("getReplayScript", { jobFullName: SEED_JOBS.deployApi, buildNumber: 1 }),
        ).script,
      );
      const refused = await confirming.call("replayBuild", {
        jobFullName: SEED_JOBS.deployApi,
        buildNumber: 1,
        script: masked,
      });
      expectOneSentence(
        refused,
        /the main script of the replay of team\/backend\/deploy-api #1 hold \*\*\*\* where the original has none/,
      );
      expect(posts()).toEqual([]);
    });

    it("refuses a build that had a password parameter, as Jenkins does", async () => {
      const refused = await confirming.call("replayBuild", {
        jobFullName: SEED_JOBS.api,
        buildNumber: 4,
        script: changed,
      });
      expectOneSentence(
        refused,
        /^Jenkins does not replay team\/backend\/api #4: it had a password parameter/,
      );
      expect(posts()).toEqual([]);
    });

    it("refuses an unknown loaded script, naming the known ones", async () => {
      const refused = await confirming.call("replayBuild", {
        jobFullName: JOB,
        buildNumber: 1,
        script: changed,
        loadedScripts: { Other: "x" },
      });
      expectOneSentence(
        refused,
        /^mb\/main #1 loaded no script Other; its loaded scripts are: lib_Greeter\.$/,
      );
      expect(posts()).toEqual([]);
    });

    it("explains a Jenkins failure in one sentence, and never retries the POST", async () => {
      answer = "accept";
      sim.injectFault({ match: { path: "/job/mb/job/main/1/replay/run" }, kind: "html502" });
      const failed = await confirming.call("replayBuild", {
        jobFullName: JOB,
        buildNumber: 1,
        script: changed,
      });
      expectOneSentence(failed, /replaying mb\/main #1/);
      expect(posts()).toEqual(["/job/mb/job/main/1/replay/run"]);
    });
  });
});

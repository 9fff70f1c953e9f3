import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * rebuild end to end, over stdio and HTTP, on team/backend/api #4: it ran with BRANCH=release/2.0,
 * ENV=prod, DEPLOY=true and the password API_TOKEN, which Jenkins never gives back.
 */
const JOB = SEED_JOBS.api;
const BUILD_API = "/job/team/job/backend/job/api/4/api/json";
const TRIGGER = "/job/team/job/backend/job/api/buildWithParameters";

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-rebuild-"));
const confirmPolicy = join(dir, "policy.yaml");
writeFileSync(
  confirmPolicy,
  [
    "rules:",
    "  - name: api-needs-a-person",
    '    clients: ["*"]',
    '    jobs: ["team/backend/api"]',
    "    allow: [read, trigger]",
    "    confirm: [trigger]",
  ].join("\n"),
);

describe.each<Transport>(["stdio", "http"])("rebuild over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let readOnly: Session;
  let confirming: Session;
  const questions: string[] = [];
  const posts = () => sim.requests.filter((request) => request.method === "POST");

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20, buildDurationMs: 50 });
    session = await openSession(transport, sim.url);
    readOnly = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: teamReadsPolicy() } });
    confirming = await openSession(transport, sim.url, {
      env: { JENKINS_MCP_POLICY: confirmPolicy },
      onElicit: (message) => {
        questions.push(message);
        return "decline";
      },
    });
  });

  afterAll(async () => {
    await session?.close();
    await readOnly?.close();
    await confirming?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  it("asks for a password parameter Jenkins does not give back, triggering nothing", async () => {
    const answer = await session.call("rebuild", { jobFullName: JOB, buildNumber: 4 });
    expectOneSentence(
      answer,
      /^team\/backend\/api #4 ran with API_TOKEN \(a password\), whose value Jenkins does not give back; ask the person for it and pass it in parameters\. Nothing was triggered\.$/,
    );
    expect(posts()).toEqual([]);
  });

  it("runs the build again with its parameters, the given ones over them", async () => {
    const answer = await session.call("rebuild", {
      jobFullName: JOB,
      buildNumber: 4,
      parameters: { API_TOKEN: "typed-again", ENV: "staging" },
      waitFor: "started",
    });
    const result = expectOk(answer);
    expect(result).toMatchObject({
      jobFullName: JOB,
      state: "started",
      rebuildOf: 4,
      dropped: [],
      parameters: { BRANCH: "release/2.0", DEPLOY: "true", ENV: "staging", API_TOKEN: "****" },
    });
    expect(answer.text).toMatch(/^Rebuild of team\/backend\/api #4: Started team\/backend\/api #\d+ with /);
    expect(answer.text).not.toContain("typed-again");
    expect(posts().map((request) => request.path)).toEqual([TRIGGER]);
    const build = sim.world.getJob(JOB).getBuild(Number(result.buildNumber));
    expect(Object.fromEntries((build?.params ?? []).map((p) => [p.name, p.value]))).toEqual({
      BRANCH: "release/2.0",
      DEPLOY: true,
      ENV: "staging",
      API_TOKEN: "typed-again",
    });
  });

  it("checks an override as triggerBuild does, sending nothing", async () => {
    const answer = await session.call("rebuild", {
      jobFullName: JOB,
      buildNumber: 4,
      parameters: { API_TOKEN: "x", ENV: "production" },
    });
    expectOneSentence(answer, /^Parameter ENV must be one of "dev", "staging", "prod"; got "production"\.$/);
    expect(posts()).toEqual([]);
  });

  it("says a build that does not exist is missing", async () => {
    const answer = await session.call("rebuild", { jobFullName: JOB, buildNumber: 99 });
    expectOneSentence(answer, /Build #99 of "team\/backend\/api" was not found/);
    expect(posts()).toEqual([]);
  });

  it("is refused by a policy that allows only reading, before anything is read", async () => {
    const answer = await readOnly.call("rebuild", { jobFullName: JOB, buildNumber: 4 });
    expectOneSentence(answer, /^Refused by policy: .* to trigger team\/backend\/api/);
    expect(sim.requests).toEqual([]);
  });

  it("asks the person where the policy says so, and sends nothing when they decline", async () => {
    questions.length = 0;
    const answer = await confirming.call("rebuild", {
      jobFullName: JOB,
      buildNumber: 4,
      parameters: { API_TOKEN: "typed-again" },
    });
    expect(answer.isError).toBe(true);
    expect(questions).toEqual([
      expect.stringMatching(
        /to run a rebuild of team\/backend\/api #4 with BRANCH=release\/2\.0, DEPLOY=true, ENV=prod, API_TOKEN=\*\*\*\*\?/,
      ),
    ]);
    expect(posts()).toEqual([]);
  });

  it("explains a Jenkins failure in one sentence", async () => {
    sim.injectFault({ match: { path: BUILD_API }, kind: "html500" });
    const answer = await session.call("rebuild", { jobFullName: JOB, buildNumber: 4 });
    expectOneSentence(answer, /^Jenkins failed with 500\b.* while reading build team\/backend\/api #4/);
    expect(posts()).toEqual([]);
  });
});

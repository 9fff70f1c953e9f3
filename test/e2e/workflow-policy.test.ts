import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import type { Build } from "../../simulator/world.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * The workflow tools under an access policy and in read-only mode: stopping and aborting are
 * "cancel", approving an input is "trigger"; refusals send nothing; listings, searches, resources
 * and completions show only what the client may read.
 */
const POLICY = `
unconfirmable: refuse
rules:
  - name: deploys-need-a-person
    clients: ["*"]
    jobs: ["ops/deploy"]
    allow: [read, trigger, cancel]
    confirm: [trigger]
  - name: ops-may-only-stop
    clients: ["*"]
    jobs: ["ops/**"]
    allow: [read, cancel]
  - name: team-reads
    clients: ["*"]
    jobs: ["team/**", "long-running"]
    allow: [read]
`;
const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-workflow-policy-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, POLICY);
const ADMIN = { userId: SIMULATOR_USERS.admin.id, userName: SIMULATOR_USERS.admin.fullName };

describe.each<Transport>(["stdio", "http"])("under a policy, over %s", (transport) => {
  const auditLog = join(dir, `${transport}-audit.jsonl`);
  let sim: JenkinsSimulator;
  let session: Session;
  let answers: Array<"accept" | "decline">;
  let questions: string[];
  const posts = () => sim.requests.filter((request) => request.method === "POST");

  /** A build of `job` started in the world itself, once `ready` holds for it. */
  async function running(job: string, ready: (build: Build) => boolean = () => true): Promise<Build> {
    const { item } = sim.world.schedule(sim.world.getJob(job), null, ADMIN, 0);
    await sim.world.waitFor(() => item.build !== null && ready(item.build));
    return item.build as Build;
  }

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 20, buildDurationMs: 50 });
    answers = [];
    questions = [];
    session = await openSession(transport, sim.url, {
      env: { JENKINS_MCP_POLICY: policyFile, JENKINS_MCP_AUDIT_LOG: auditLog },
      onElicit: (message) => {
        questions.push(message);
        return answers.shift() ?? "cancel";
      },
    });
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  beforeEach(() => sim.clearRequests());

  it("refuses to stop what the client may only read, before asking Jenkins anything", async () => {
    const answer = await session.call("stopBuild", { jobFullName: SEED_JOBS.longRunning, buildNumber: 1 });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      /Refused by policy: no policy rule allows client ".*" to cancel long-running/,
    );
    expect(sim.requests).toHaveLength(0);
  });

  it("stops what the client may cancel, and audits it in a plain sentence", async () => {
    const build = await running(SEED_JOBS.stubborn);
    const answer = await session.call("stopBuild", {
      jobFullName: SEED_JOBS.stubborn,
      buildNumber: build.number,
      escalate: true,
      waitSeconds: 1,
    });
    expect(answer.structured).toMatchObject({ stopped: true, result: "ABORTED" });
    if (transport === "stdio") {
      const lines = readFileSync(auditLog, "utf8").trim().split("\n");
      expect(lines.map((line) => JSON.parse(line).message)).toContain(
        `stdio stopped ${SEED_JOBS.stubborn} #${build.number} (ABORTED)`,
      );
    }
  });

  it("lets the client abort an input it may cancel, but not approve it", async () => {
    const build = await running(SEED_JOBS.release, (b) => b.pendingInput !== null);
    const base = { jobFullName: SEED_JOBS.release, buildNumber: build.number, inputId: "Release" };
    const approve = await session.call("answerInput", { ...base, action: "proceed" });
    expect(approve.text).toMatch(/Refused by policy: .* to trigger ops\/release/);
    expect(sim.requests).toHaveLength(0);
    const abort = await session.call("answerInput", { ...base, action: "abort" });
    expect(abort.isError, abort.text).toBe(false);
    expect(build.result).toBe("ABORTED");
  });

  it("asks the person before approving a marked input: declined sends nothing, accepted sends once", async () => {
    const build = await running(SEED_JOBS.deploy, (b) => b.pendingInput !== null);
    const args = {
      jobFullName: SEED_JOBS.deploy,
      buildNumber: build.number,
      inputId: "Approve",
      action: "proceed",
      parameters: { TARGET: "prod" },
    };
    answers.push("decline");
    const declined = await session.call("answerInput", args);
    expect(declined.text).toMatch(/declined.*nothing was sent to Jenkins/);
    expect(questions.at(-1)).toMatch(
      new RegExp(`approve "Deploy to production\\?" in ops/deploy #${build.number} with TARGET=prod\\?`),
    );
    expect(posts()).toHaveLength(0);
    answers.push("accept");
    const accepted = await session.call("answerInput", args);
    expect(accepted.isError, accepted.text).toBe(false);
    expect(posts()).toHaveLength(1);
    await sim.world.waitFor(() => !build.building);
    expect(build.result).toBe("SUCCESS");
  });

  it("searches, lists the queue and completes only what the client may read", async () => {
    const found = await session.call("searchJobs", { query: "deploy" });
    const names = ((found.structured?.jobs ?? []) as Array<{ fullName: string }>).map((job) => job.fullName);
    expect(names).toEqual([SEED_JOBS.deploy, SEED_JOBS.deployApi]);
    expect((await session.call("searchJobs", { query: "hello" })).structured?.jobs).toEqual([]);
    sim.world.schedule(sim.world.getJob(SEED_JOBS.slow), null, ADMIN, 3_600_000);
    expect((await session.call("getQueue", {})).structured?.items).toEqual([]);
    const completion = await session.client.complete({
      ref: { type: "ref/resource", uri: "jenkins://job/{+fullName}" },
      argument: { name: "fullName", value: "" },
    });
    for (const name of completion.completion.values) expect(name).toMatch(/^(team|ops|long-running)(\/|$)/);
    expect(completion.completion.values).toContain(SEED_JOBS.api);
  });

  it("refuses a resource the client may not read", async () => {
    await expect(session.client.readResource({ uri: "jenkins://job/hello" })).rejects.toThrow(
      /Refused by policy/,
    );
    expect(sim.requests).toHaveLength(0);
  });
});

describe("in read-only mode", () => {
  let sim: JenkinsSimulator;
  let session: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    session = await openSession("stdio", sim.url, { env: { JENKINS_MCP_READ_ONLY: "true" } });
  });

  afterAll(async () => {
    await session?.close();
    await sim?.close();
  });

  it("offers no tool that stops or answers, and no prompt that triggers", async () => {
    const tools = (await session.client.listTools()).tools.map((tool) => tool.name);
    expect(tools).toEqual(expect.arrayContaining(["searchJobs", "getFailureSummary", "getPendingInputs"]));
    for (const writer of ["stopBuild", "answerInput", "triggerBuild"]) expect(tools).not.toContain(writer);
    const prompts = (await session.client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect(prompts).toEqual(["diagnose-build"]);
  });
});

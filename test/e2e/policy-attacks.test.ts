import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * The access policy tried as an attacker would: every tool, resource and completion, with every
 * spelling Jenkins accepts for a denied job (case, Java's Unicode case folding, branch names
 * escaped in another hex case or decoded), under a deny-list and an allow-list policy. A refusal
 * answers no data of the job, sends no POST, is audited as denied, and reaches Jenkins with at
 * most the requests that learn the job's canonical name (`tree=_class,fullName`, and the
 * multibranch probe `tree=_class`).
 */
const DENY_LIST = `
rules:
  - name: no-ops
    clients: ["*"]
    jobs: ["ops/**"]
    deny: [read, trigger, cancel, create, configure]
  - name: no-feature-login
    clients: ["*"]
    jobs: ["mb/feature%2Flogin"]
    deny: [read, trigger, cancel, configure]
  - name: the-rest
    clients: ["*"]
    jobs: ["**"]
    allow: [read, trigger, cancel, create, configure]
`;
const ALLOW_LIST = `
rules:
  - name: team-and-main
    clients: ["*"]
    jobs: ["team/**", "hello", "mb/main"]
    allow: [read, trigger, cancel, create, configure]
`;

/** Spellings that Jenkins resolves to the denied ops/nightly, and to the denied branch. */
const OPS_SPELLINGS = ["OPS/nightly", "Ops/NIGHTLY", "opſ/nightly", "/ops/nightly/", "ops/NıGHTLY"];
const BRANCH_SPELLINGS = ["mb/feature%2flogin", "MB/Feature%2FLogin", "mb/feature/login", "mb/FEATURE/Login"];

/** Each tool call that names a job, as a model would make it. */
function callsOn(jobFullName: string): Array<[string, Record<string, unknown>]> {
  return [
    ["getJob", { jobFullName }],
    ["getBuilds", { jobFullName }],
    ["getBuild", { jobFullName, buildNumber: 1 }],
    ["getBuildLog", { jobFullName, buildNumber: 1 }],
    ["searchBuildLog", { jobFullName, buildNumber: 1, pattern: "a" }],
    ["getFailureSummary", { jobFullName, buildNumber: 1 }],
    ["getTestResults", { jobFullName, buildNumber: 1 }],
    ["getPendingInputs", { jobFullName, buildNumber: 1 }],
    ["answerInput", { jobFullName, buildNumber: 1, inputId: "Approve", action: "abort" }],
    ["stopBuild", { jobFullName, buildNumber: 1 }],
    ["triggerBuild", { jobFullName }],
    ["rebuild", { jobFullName, buildNumber: 1 }],
    ["setJobEnabled", { jobFullName, enabled: false }],
    ["updateBuild", { jobFullName, buildNumber: 1, keepForever: true }],
    ["getReplayScript", { jobFullName, buildNumber: 1 }],
    ["replayBuild", { jobFullName, buildNumber: 1, script: "echo 1" }],
    ["getJobScm", { jobFullName }],
    ["getJobs", { parentFullName: jobFullName }],
    ["searchJobs", { query: "nightly login", parentFullName: jobFullName }],
  ];
}

const CASES = [...OPS_SPELLINGS, ...BRANCH_SPELLINGS].flatMap((spelling) => callsOn(spelling));

const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-attacks-"));

describe.each([
  ["deny-list", DENY_LIST],
  ["allow-list", ALLOW_LIST],
])("a %s policy", (policyName, policy) => {
  describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
    const policyFile = join(dir, `${policyName}.yaml`);
    const auditLog = join(dir, `${policyName}-${transport}-audit.jsonl`);
    let sim: JenkinsSimulator;
    let session: Session;

    beforeAll(async () => {
      writeFileSync(policyFile, policy);
      sim = await JenkinsSimulator.start({ quietPeriodMs: 3_600_000 });
      session = await openSession(transport, sim.url, {
        env: { JENKINS_MCP_POLICY: policyFile, JENKINS_MCP_AUDIT_LOG: auditLog },
      });
    });

    afterAll(async () => {
      await session?.close();
      await sim?.close();
    });

    beforeEach(() => sim.clearRequests());

    /** Requests that read or change something of a job, beyond learning its name. */
    const dataRequests = () =>
      sim.requests.filter(
        (request) =>
          request.method !== "GET" ||
          !["_class,fullName", "_class"].includes(request.query.get("tree") ?? ""),
      );
    const lastAudit = () => {
      const lines = readFileSync(auditLog, "utf8").trim().split("\n");
      return JSON.parse(lines.at(-1) ?? "{}") as { outcome: string; job?: string; tool: string };
    };

    it.each(CASES)("refuses %s on %j, reading and changing nothing", async (tool, args) => {
      const answer = await session.call(tool, args);
      expect(answer.isError, answer.text).toBe(true);
      expect(answer.text).toMatch(/^Refused by policy/);
      expect(answer.structured).toBeUndefined();
      expect(dataRequests()).toEqual([]);
      expect(lastAudit()).toMatchObject({ tool, outcome: "denied", job: expect.any(String) });
    });

    it.each([...OPS_SPELLINGS.map((s) => `${s.replace(/\/$/, "")}/new-job`), "OPS/new-job"])(
      "refuses to create %s in a denied folder",
      async (jobFullName) => {
        const answer = await session.call("createJob", { jobFullName, pipelineScript: "echo 1" });
        expect(answer.text).toMatch(/^Refused by policy/);
        expect(sim.requests.filter((request) => request.method === "POST")).toEqual([]);
      },
    );

    it.each([...OPS_SPELLINGS, ...BRANCH_SPELLINGS])("refuses the resources of %s", async (spelling) => {
      for (const uri of [`jenkins://job/${spelling}`, `jenkins://job/${spelling}/build/1/log`]) {
        await expect(session.client.readResource({ uri }), uri).rejects.toThrow(/Refused by policy/);
      }
      expect(dataRequests()).toEqual([]);
    });

    it("copies no denied job, in any spelling", async () => {
      for (const copyFrom of OPS_SPELLINGS) {
        const answer = await session.call("createJob", { jobFullName: "team/copy", copyFrom });
        expect(answer.text).toMatch(/^Refused by policy/);
      }
      expect(sim.requests.filter((request) => request.method === "POST")).toEqual([]);
    });

    it("lists, searches, queues and completes exactly what direct reads allow", async () => {
      const names = (answer: { structured?: Record<string, unknown> | undefined }) =>
        ((answer.structured?.jobs ?? []) as Array<{ fullName: string }>).map((job) => job.fullName);
      expect(names(await session.call("getJobs", {}))).not.toContain("ops");
      expect(names(await session.call("getJobs", {}))).toContain("team");
      expect(names(await session.call("searchJobs", { query: "login" }))).not.toContain(SEED_JOBS.mbFeature);
      expect(names(await session.call("getJobs", { parentFullName: "MB" }))).toEqual([SEED_JOBS.mbMain]);
      const admin = { userId: SIMULATOR_USERS.admin.id, userName: SIMULATOR_USERS.admin.fullName };
      const waiting = sim.world.schedule(sim.world.getJob(SEED_JOBS.nightly), null, admin, 3_600_000);
      const queue = await session.call("getQueue", {});
      expect(queue.text).not.toMatch(/nightly/i);
      for (const tool of ["getQueueItem", "cancelQueueItem"]) {
        const answer = await session.call(tool, { queueItemId: waiting.item.id });
        expect(answer.text, tool).toMatch(/^Refused by policy/);
      }
      expect(sim.requests.filter((request) => request.method === "POST")).toEqual([]);
      for (const value of ["", "o", "OPS/", "mb/f", "MB/FEATURE"]) {
        const completion = await session.client.complete({
          ref: { type: "ref/resource", uri: "jenkins://job/{+fullName}" },
          argument: { name: "fullName", value },
        });
        for (const name of completion.completion.values) {
          expect(name).not.toMatch(/^ops(\/|$)/);
          expect(name).not.toBe(SEED_JOBS.mbFeature);
        }
      }
      const numbers = await session.client.complete({
        ref: { type: "ref/resource", uri: "jenkins://job/{+fullName}/build/{number}/log" },
        argument: { name: "number", value: "" },
        context: { arguments: { fullName: "OPS/Nightly" } },
      });
      expect(numbers.completion.values).toEqual([]);
    });

    it("still serves an allowed job in any spelling, named as Jenkins spells it", async () => {
      const answer = await session.call("getBuild", { jobFullName: "TEAM/Backend/API", buildNumber: 1 });
      expect(answer.isError, answer.text).toBe(false);
      expect(answer.structured?.jobFullName).toBe(SEED_JOBS.api);
      expect(lastAudit()).toMatchObject({ outcome: "ok", job: SEED_JOBS.api });
    });
  });
});

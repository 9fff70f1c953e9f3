import { Client } from "@modelcontextprotocol/client";
import { InMemoryTransport } from "@modelcontextprotocol/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { Guard } from "../../src/guard/guard.js";
import { parsePolicy } from "../../src/guard/policy.js";
import { HttpJenkinsClient, type JenkinsClient } from "../../src/jenkins/client.js";
import { formatJobPath, type JobPath } from "../../src/jenkins/paths.js";
import { createLogger } from "../../src/logger.js";
import { buildServer } from "../../src/server.js";
import { allTools } from "../../src/tools/index.js";

/**
 * The rule that keeps the policy whole: a tool hands the adapter only job paths that came out of
 * `resolveJob` (through the context's job, folder, readJob and readBuild), so every request is
 * about the name the policy decided on. Each tool is called with spellings other than Jenkins' own;
 * the adapter is wrapped to record any path it is given that was not resolved first.
 */
const CALLS: Record<string, Record<string, unknown>> = {
  getJob: { jobFullName: "TEAM/backend/API" },
  getJobs: { parentFullName: "Team/Backend" },
  searchJobs: { query: "api", parentFullName: "TEAM" },
  createJob: { jobFullName: "TEAM/Backend/new-one", copyFrom: "team/BACKEND/api" },
  getBuild: { jobFullName: "TEAM/backend/API", buildNumber: 1 },
  getBuilds: { jobFullName: "TEAM/backend/API" },
  triggerBuild: { jobFullName: "Hello" },
  rebuild: { jobFullName: "TEAM/backend/API", buildNumber: 2 },
  updateBuild: { jobFullName: "TEAM/backend/API", buildNumber: 2, keepForever: true },
  setJobEnabled: { jobFullName: "HELLO", enabled: true },
  getJobScm: { jobFullName: "TEAM/backend/API" },
  findJobsBySource: { repositoryUrl: "github.com/acme/api", parentFullName: "TEAM" },
  stopBuild: { jobFullName: "LONG-RUNNING", buildNumber: 1, waitSeconds: 1 },
  getBuildLog: { jobFullName: "MB/feature/login", buildNumber: 1 },
  searchBuildLog: { jobFullName: "mb/FEATURE%2flogin", pattern: "a" },
  getStageLog: { jobFullName: "Team/Backend/Api", buildNumber: 4, stage: "test" },
  getFailureSummary: { jobFullName: "Team/Backend/Api", buildNumber: 4 },
  getTestResults: { jobFullName: "Team/Backend/Api", buildNumber: 4 },
  getBuildChanges: { jobFullName: "DIAG/Payments" },
  validatePipeline: { script: "pipeline { agent any\n stages { stage('b') { steps { sh 'make' } } } }" },
  getReplayScript: { jobFullName: "MB/Main", buildNumber: 1 },
  replayBuild: { jobFullName: "MB/Main", buildNumber: 1, script: "echo 1" },
  getPendingInputs: { jobFullName: "OPS/Release", buildNumber: 1 },
  answerInput: { jobFullName: "OPS/Release", buildNumber: 1, inputId: "nothing", action: "abort" },
  cancelQueueItem: { queueItemId: 999_999 },
  getQueueItem: { queueItemId: 999_999 },
  getQueue: {},
  whoAmI: {},
  getStatus: {},
  getNodes: {},
  getRunningBuilds: {},
  getArtifacts: { jobFullName: "DIAG/Maven-Compile", buildNumber: 3 },
  getViews: {},
  getViewJobs: { view: "Backend" },
  readArtifact: {
    jobFullName: "diag/MAVEN-compile",
    buildNumber: 3,
    path: "target/surefire-reports/summary.txt",
  },
};

let sim: JenkinsSimulator;
let real: HttpJenkinsClient;
let client: Client;
const resolved = new Set<string>();
const unresolved: string[] = [];

/** Records every job path a method is given that resolveJob did not answer with. */
function watched(jenkins: JenkinsClient): JenkinsClient {
  const note = (method: string, path: unknown) => {
    if (Array.isArray(path) && !resolved.has(formatJobPath(path)))
      unresolved.push(`${method}(${path.join("/")})`);
  };
  return new Proxy(jenkins, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== "function") return value;
      const method = String(property);
      return async (...args: unknown[]) => {
        if (method === "resolveJob") {
          const job = (await value.apply(target, args)) as { path: JobPath };
          resolved.add(formatJobPath(job.path));
          return job;
        }
        for (const arg of args) note(method, (arg as { path?: unknown } | undefined)?.path ?? arg);
        const result: unknown = await value.apply(target, args);
        // A job just created is addressed by its folder's canonical name and its own new name.
        if (method === "createJob" || method === "copyJob") {
          resolved.add(formatJobPath([...((args[0] as JobPath | undefined) ?? []), String(args[1])]));
        }
        return result;
      };
    },
  });
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ quietPeriodMs: 3_600_000 });
  const admin = SIMULATOR_USERS.admin;
  real = new HttpJenkinsClient({
    url: sim.url,
    auth: { kind: "apiToken", user: admin.id, token: admin.apiToken },
    timeoutMs: 5000,
    tlsInsecure: false,
    proxy: {},
  });
  const policy = parsePolicy(
    'rules: [{name: all, clients: ["*"], jobs: ["**"], allow: [read, trigger, cancel, create, configure, replay]}]',
  );
  const server = buildServer({
    jenkins: watched(real),
    logger: createLogger({ level: "silent" }),
    tools: allTools,
    guard: new Guard(policy, undefined),
  });
  const [clientTransport, serverTransport] = InMemoryTransport.createLinkedPair();
  client = new Client({ name: "access-test", version: "1.0.0" });
  await server.connect(serverTransport);
  await client.connect(clientTransport);
});

afterAll(async () => {
  await client?.close();
  await real?.close();
  await sim?.close();
});

describe("every tool", () => {
  it("has a call here, so a new tool is held to the rule too", () => {
    expect(Object.keys(CALLS).sort()).toEqual(allTools.map((tool) => tool.name).sort());
  });

  it.each(Object.entries(CALLS))("%s gives the adapter only resolved job paths", async (name, args) => {
    unresolved.length = 0;
    await client.callTool({ name, arguments: args });
    expect(unresolved).toEqual([]);
  });

  it("is held to it by this watch, which sees a path that skipped resolveJob", async () => {
    unresolved.length = 0;
    await watched(real).getJob(["TEAM", "backend", "API"]);
    expect(unresolved).toEqual(["getJob(TEAM/backend/API)"]);
    expect(SEED_JOBS.api).toBe("team/backend/api");
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { startHttpServer } from "../../src/transports/http/index.js";
import { expectOk, expectRefused } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

const admin = SIMULATOR_USERS.admin;

/**
 * Three controllers as companies run them: versions apart (the log tail streams from 2.534; 2.479
 * spools its progressive log), and one behind a path prefix.
 */
async function startControllers() {
  const [prod, staging, legacy] = await Promise.all([
    JenkinsSimulator.start({ version: "2.541.1" }),
    JenkinsSimulator.start({ version: "2.516.3", prefix: "/jenkins" }),
    JenkinsSimulator.start({ version: "2.479.3" }),
  ]);
  return { prod, staging, legacy } as Record<"prod" | "staging" | "legacy", JenkinsSimulator>;
}

/** The controllers file, tokens from a variable (prod, legacy) and a file (staging), and the policy. */
function settingsFor(sims: Record<string, JenkinsSimulator>, fanOutTimeoutMs = 10_000) {
  const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-controllers-"));
  const tokenFile = join(dir, "staging-token");
  writeFileSync(tokenFile, `${admin.apiToken}\n`);
  const file = join(dir, "controllers.yaml");
  writeFileSync(
    file,
    [
      "controllers:",
      `  - { name: prod, url: "${sims.prod?.url}", user: ${admin.id}, tokenEnv: PROD_TOKEN }`,
      `  - { name: staging, url: "${sims.staging?.url}", user: ${admin.id}, tokenFile: "${tokenFile}" }`,
      `  - { name: legacy, url: "${sims.legacy?.url}", user: ${admin.id}, tokenEnv: LEGACY_TOKEN, timeoutMs: 5000 }`,
      `fanOut: { concurrency: 2, timeoutMs: ${fanOutTimeoutMs} }`,
      "",
    ].join("\n"),
  );
  const policy = join(dir, "policy.yaml");
  writeFileSync(
    policy,
    [
      "rules:",
      "  - name: prod-no-triggers",
      '    clients: ["*"]',
      "    controllers: [prod]",
      '    jobs: ["**"]',
      "    allow: [read]",
      "    deny: [trigger]",
      "  - name: everyone",
      '    clients: ["*"]',
      '    jobs: ["**"]',
      "    allow: [read, trigger, cancel, create]",
      "",
    ].join("\n"),
  );
  const audit = join(dir, "audit.jsonl");
  return {
    audit,
    env: {
      JENKINS_MCP_CONTROLLERS: file,
      JENKINS_MCP_POLICY: policy,
      JENKINS_MCP_AUDIT_LOG: audit,
      PROD_TOKEN: admin.apiToken,
      LEGACY_TOKEN: admin.apiToken,
    },
  };
}

const requestCount = (sims: Record<string, JenkinsSimulator>) =>
  Object.values(sims).reduce((sum, sim) => sum + sim.requests.length, 0);

describe.each<Transport>(["stdio", "http"])("three controllers over %s", (transport) => {
  let sims: Awaited<ReturnType<typeof startControllers>>;
  let session: Session;
  let audit: string;

  beforeAll(async () => {
    sims = await startControllers();
    // The same name on two controllers, spelt differently: each controller's own spelling must win.
    sims.prod.world.addJob("Deploy-X", { kind: "freestyle" });
    sims.staging.world.addJob("deploy-x", { kind: "freestyle" });
    const settings = settingsFor(sims);
    audit = settings.audit;
    session = await openSession(transport, sims.prod.url, { env: settings.env });
  });

  afterAll(async () => {
    await session?.close();
    await Promise.all(Object.values(sims ?? {}).map((sim) => sim.close()));
  });

  it("offers a controller argument: optional where a job name can say it, required where nothing can", async () => {
    const { tools } = await session.client.listTools();
    const schema = (name: string) => tools.find((tool) => tool.name === name)?.inputSchema;
    expect(schema("getJob")?.properties?.controller).toMatchObject({ enum: ["prod", "staging", "legacy"] });
    expect(schema("getJob")?.required).toEqual(["jobFullName"]);
    expect(schema("getStatus")?.required).toEqual(["controller"]);
    expect(schema("searchJobs")?.required).toEqual(["query"]);
  });

  it("calls each controller by the argument or by the job name, and says which answered", async () => {
    const status = await session.call("getStatus", { controller: "staging" });
    expect(expectOk(status)).toMatchObject({ controller: "staging", version: "2.516.3" });
    expect(status.text).toMatch(/^\[controller staging\] /);
    const job = await session.call("getJob", { jobFullName: `legacy:${SEED_JOBS.api}` });
    expect(expectOk(job)).toMatchObject({ controller: "legacy", fullName: SEED_JOBS.api });
    const same = await session.call("getJob", { jobFullName: SEED_JOBS.api, controller: "legacy" });
    expect(expectOk(same).fullName).toBe(SEED_JOBS.api);
    expect(sims.legacy.requests.some((request) => request.path.includes("/job/team/"))).toBe(true);
  });

  it("keeps the same name on two controllers apart, each in its own spelling", async () => {
    const prod = await session.call("getJob", { jobFullName: "prod:DEPLOY-x" });
    expect(expectOk(prod)).toMatchObject({ controller: "prod", fullName: "Deploy-X" });
    const staging = await session.call("getJob", { jobFullName: "staging:DEPLOY-x" });
    expect(expectOk(staging)).toMatchObject({ controller: "staging", fullName: "deploy-x" });
    const legacy = await session.call("getJob", { jobFullName: "legacy:DEPLOY-x" });
    expectRefused(legacy, /not found|No job/i);
  });

  it("keeps a log cursor to the controller that gave it out", async () => {
    const first = await session.call("getBuildLog", {
      jobFullName: `prod:${SEED_JOBS.api}`,
      buildNumber: 4,
      skip: 0,
      limit: 3,
    });
    const cursor = expectOk(first).nextCursor as string;
    const next = await session.call("getBuildLog", {
      jobFullName: `prod:${SEED_JOBS.api}`,
      cursor,
      limit: 3,
    });
    expect(expectOk(next)).toMatchObject({ controller: "prod", buildNumber: 4 });
    // The same job on another controller: the cursor's byte offset means nothing in that log.
    const before = sims.staging.requests.length;
    const elsewhere = await session.call("getBuildLog", {
      jobFullName: `staging:${SEED_JOBS.api}`,
      cursor,
      limit: 3,
    });
    expectRefused(
      elsewhere,
      /^\[controller staging\] This cursor belongs to team\/backend\/api #4 on controller prod;/,
    );
    expect(sims.staging.requests.slice(before).filter((request) => request.path.includes("logText"))).toEqual(
      [],
    );
  });

  it("refuses a missing, unknown or doubled controller before any request", async () => {
    const before = requestCount(sims);
    expectRefused(
      await session.call("getJob", { jobFullName: SEED_JOBS.api }),
      /Say which Jenkins controller: this server has prod, staging, legacy/,
    );
    expectRefused(
      await session.call("getJob", { jobFullName: `qa:${SEED_JOBS.api}` }),
      /names controller "qa", which this server does not have/,
    );
    expectRefused(
      await session.call("getJob", { jobFullName: SEED_JOBS.api, controller: "qa" }),
      /controller must be one of "prod", "staging", "legacy"/,
    );
    expectRefused(
      await session.call("getJob", { jobFullName: `prod:${SEED_JOBS.api}`, controller: "staging" }),
      /names two controllers/,
    );
    expectRefused(await session.call("getStatus", {}), /controller must be one of/);
    expect(requestCount(sims)).toBe(before);
  });

  it("searches every controller, one ranking, each job named with its controller", async () => {
    const answer = await session.call("searchJobs", { query: "deploy api" });
    const found = expectOk(answer);
    const jobs = found.jobs as Array<{ controller: string; fullName: string }>;
    expect(
      jobs
        .filter((job) => job.fullName === SEED_JOBS.deployApi)
        .map((job) => job.controller)
        .sort(),
    ).toEqual(["legacy", "prod", "staging"]);
    expect(found.unavailable).toEqual([]);
    expect(answer.text).toContain(`- staging:${SEED_JOBS.deployApi}`);
    const one = expectOk(await session.call("searchJobs", { query: "deploy api", controller: "prod" }));
    expect((one.jobs as Array<{ controller: string }>).every((job) => job.controller === "prod")).toBe(true);
  });

  it("applies policy rules to the controllers they name, and the audit trail names the controller", async () => {
    expectRefused(
      await session.call("triggerBuild", { jobFullName: `prod:${SEED_JOBS.hello}` }),
      /rule "prod-no-triggers" denies trigger on hello on controller prod/,
    );
    const queued = expectOk(await session.call("triggerBuild", { jobFullName: `staging:${SEED_JOBS.slow}` }));
    expect(queued.controller).toBe("staging");
    const queue = await session.call("getQueue", {});
    const items = expectOk(queue).items as Array<{ controller: string; jobFullName: string }>;
    expect(items).toContainEqual(
      expect.objectContaining({ controller: "staging", jobFullName: SEED_JOBS.slow }),
    );
    expect(items.some((item) => item.controller === "prod")).toBe(false);
    expect(queue.text).toContain(`[staging] Queue item`);
    expectOk(
      await session.call("cancelQueueItem", { queueItemId: queued.queueItemId, controller: "staging" }),
    );
    const lines = readFileSync(audit, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toContainEqual(
      expect.objectContaining({
        tool: "triggerBuild",
        controller: "prod",
        outcome: "denied",
        rule: "prod-no-triggers",
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ tool: "triggerBuild", controller: "staging", outcome: "ok" }),
    );
  });

  it("links resources that name the controller, and reads them", async () => {
    const summary = await session.call("getFailureSummary", {
      jobFullName: `staging:${SEED_JOBS.deployCleanup}`,
    });
    expectOk(summary);
    const link = summary.links[0] ?? "";
    expect(link).toMatch(/^jenkins:\/\/job\/staging:diag\/deploy-cleanup\/build\/\d+\/log$/);
    const log = await session.client.readResource({ uri: link });
    expect(String((log.contents[0] as { text: string }).text)).toContain("kubectl apply");
    const job = await session.client.readResource({ uri: `jenkins://job/legacy:${SEED_JOBS.api}` });
    expect(JSON.parse(String((job.contents[0] as { text: string }).text)).fullName).toBe(SEED_JOBS.api);
    await expect(session.client.readResource({ uri: `jenkins://job/${SEED_JOBS.api}` })).rejects.toThrow(
      /names no controller/,
    );
  });

  it("reads a log's tail the way each controller's version allows, each learning its own", async () => {
    const negativeStarts = (sim: JenkinsSimulator) =>
      sim.requests.filter((request) => Number(request.query.get("start")) < 0).length;
    const tail = async (controller: string) =>
      expect(
        expectOk(
          await session.call("getBuildLog", { jobFullName: `${controller}:${SEED_JOBS.api}`, limit: 5 }),
        ).lineCount,
      ).toBe(5);
    // 2.479 refuses a negative start (no streaming mode before 2.534): learnt once, for it alone.
    await tail("legacy");
    await tail("legacy");
    expect(negativeStarts(sims.legacy)).toBe(1);
    await tail("prod");
    await tail("prod");
    expect(negativeStarts(sims.prod)).toBe(2);
  });
});

describe.each<Transport>(["stdio", "http"])("one controller down, one silent, over %s", (transport) => {
  let sims: Awaited<ReturnType<typeof startControllers>>;
  let session: Session;

  beforeAll(async () => {
    sims = await startControllers();
    const settings = settingsFor(sims, 1500);
    await sims.staging.close();
    sims.legacy.injectFault({ match: {}, kind: "hang" });
    session = await openSession(transport, sims.prod.url, { env: settings.env });
  });

  afterAll(async () => {
    await session?.close();
    await Promise.all([sims?.prod.close(), sims?.legacy.close()]);
  });

  it("searches and lists the queue of the controllers that answer, and names the others", async () => {
    const search = await session.call("searchJobs", { query: "deploy api" });
    const found = expectOk(search);
    expect((found.jobs as Array<{ controller: string }>).map((job) => job.controller)).toEqual(["prod"]);
    expect(found.unavailable).toEqual([
      { controller: "staging", reason: expect.stringMatching(/refused|reach/i) },
      { controller: "legacy", reason: "did not answer within 1.5 s" },
    ]);
    expect(search.text).toMatch(
      /Not answered, so not included: staging \(.+\); legacy \(did not answer within 1\.5 s\)\./,
    );
    const queue = expectOk(await session.call("getQueue", {}));
    expect((queue.unavailable as Array<{ controller: string }>).map((entry) => entry.controller)).toEqual([
      "staging",
      "legacy",
    ]);
  });

  it("keeps serving the controller that is up, and says which one failed", async () => {
    expect(expectOk(await session.call("getJob", { jobFullName: `prod:${SEED_JOBS.api}` })).controller).toBe(
      "prod",
    );
    expectRefused(
      await session.call("getStatus", { controller: "staging" }),
      /^\[controller staging\] .*(refused|reach)/is,
    );
  });

  it("fails a search of the one controller named, as a server of one would", async () => {
    const answer = await session.call("searchJobs", { query: "api", controller: "staging" });
    expectRefused(answer, /^\[controller staging\] Cannot connect/);
  });
});

describe("/readyz with several controllers", () => {
  it("reports each controller, and stays ready while one answers", async () => {
    const sims = await startControllers();
    const settings = settingsFor(sims);
    await sims.legacy.close();
    const config = loadConfig({ ...settings.env, MCP_TRANSPORT: "http", MCP_PORT: "0" });
    const app = createApp(config, { env: settings.env });
    const server = await startHttpServer(config.http, app.dependencies);
    try {
      const response = await fetch(new URL("/readyz", server.url));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: "degraded",
        controllers: {
          prod: { ready: true, jenkinsVersion: "2.541.1" },
          staging: { ready: true, jenkinsVersion: "2.516.3" },
          legacy: { ready: false, reason: expect.stringMatching(/refused|reach/i) },
        },
      });
    } finally {
      await server.close();
      await app.close();
      await Promise.all([sims.prod.close(), sims.staging.close()]);
    }
  });
});

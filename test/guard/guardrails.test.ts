import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { GrowingLog } from "../../simulator/logs.js";
import { Build } from "../../simulator/world.js";
import { type App, createApp } from "../../src/app.js";
import { loadConfig } from "../../src/config.js";
import { type HttpServerHandle, startHttpServer } from "../../src/transports/http/index.js";
import { CLI, cliEnv, connectStdio, type McpSession } from "../e2e/harness.js";

/**
 * Guardrails through real MCP clients: policy refusals that send nothing, per-client views over
 * HTTP, confirmation by the person, rate caps, the audit trail and secret masking.
 */
const POLICY = `
unconfirmable: refuse
maskPatterns: ["ACME-[0-9]{4}"]
rules:
  - name: deploys-need-a-person
    clients: ["*"]
    jobs: ["team/backend/deploy-api"]
    allow: [read, trigger]
    confirm: [trigger]
  - name: backend-team
    clients: [stdio, alice]
    jobs: ["team/**", "secrets"]
    allow: [read, trigger, cancel]
  - name: ci-bot-builds-hello
    clients: [ci-bot]
    jobs: ["hello"]
    allow: [read, trigger]
    triggersPerMinute: 1
`;
const SECRET = "hunter2-do-not-show";
const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-guard-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, POLICY);
const admin = SIMULATOR_USERS.admin;

let sim: JenkinsSimulator;

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ quietPeriodMs: 50, buildDurationMs: 100 });
  const job = sim.world.addJob("secrets");
  const build = new Build(job, job.nextBuildNumber++, sim.world.allocateQueueId(), Date.now(), [], null);
  build.log = new GrowingLog(
    `deploying with password=${SECRET}\npush ghp_0123456789abcdefghijABCDEFGHIJ012345\nticket ACME-1234 done\nFinished: SUCCESS\n`,
  );
  build.result = "SUCCESS";
  job.builds.push(build);
});

afterAll(() => sim?.close());

beforeEach(() => sim.clearRequests());

const posts = () => sim.requests.filter((request) => request.method === "POST");

function auditLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe("over stdio (client stdio)", () => {
  const auditLog = join(dir, "stdio-audit.jsonl");
  const env = () =>
    cliEnv(sim.url, {
      JENKINS_USER: admin.id,
      JENKINS_API_TOKEN: admin.apiToken,
      JENKINS_MCP_POLICY: policyFile,
      JENKINS_MCP_AUDIT_LOG: auditLog,
    });
  let answers: Array<"accept" | "decline">;
  let questions: string[];
  let session: McpSession;

  beforeAll(async () => {
    answers = [];
    questions = [];
    session = await connectStdio(env(), "v2", (message) => {
      questions.push(message);
      return answers.shift() ?? "cancel";
    });
  });

  afterAll(() => session?.close());

  it("refuses a trigger no rule allows, naming why, with no request to Jenkins", async () => {
    const answer = await session.call("triggerBuild", { jobFullName: "hello" });
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(/Refused by policy: no policy rule allows client "stdio" to trigger hello/);
    expect(sim.requests).toHaveLength(0);
  });

  it("names the rule that denies", async () => {
    const denying = join(dir, "deny.yaml");
    writeFileSync(
      denying,
      'rules: [{name: no-prod, clients: ["*"], jobs: ["**/deploy-*"], deny: [trigger]}, {name: all, clients: ["*"], jobs: ["**"], allow: [read, trigger]}]',
    );
    const strict = await connectStdio({ ...env(), JENKINS_MCP_POLICY: denying });
    try {
      const answer = await strict.call("triggerBuild", { jobFullName: SEED_JOBS.deployApi });
      expect(answer.text).toMatch(/rule "no-prod" denies trigger on team\/backend\/deploy-api/);
      expect(posts()).toHaveLength(0);
    } finally {
      await strict.close();
    }
  });

  it("lists only what the client may read", async () => {
    const top = await session.call("getJobs", {});
    expect(((top.structured?.jobs ?? []) as Array<{ fullName: string }>).map((job) => job.fullName)).toEqual([
      "secrets",
      "team",
    ]);
    expect((await session.call("getJob", { jobFullName: "hello" })).isError).toBe(true);
  });

  it("triggers what a rule allows, once, with secrets masked in the answer", async () => {
    const answer = await session.call("triggerBuild", {
      jobFullName: SEED_JOBS.api,
      parameters: { API_TOKEN: SECRET },
      waitFor: "started",
    });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured?.parameters).toEqual({ API_TOKEN: "****" });
    expect(posts()).toHaveLength(1);
    expect(JSON.stringify(answer)).not.toContain(SECRET);
  });

  it("asks the person before a marked trigger: accepted triggers once, declined triggers nothing", async () => {
    answers.push("decline");
    const declined = await session.call("triggerBuild", {
      jobFullName: SEED_JOBS.deployApi,
      parameters: { TARGET: "prod" },
    });
    expect(declined.isError).toBe(true);
    expect(declined.text).toMatch(/declined.*nothing was sent to Jenkins/);
    expect(posts()).toHaveLength(0);
    expect(questions.at(-1)).toMatch(/Allow stdio to trigger team\/backend\/deploy-api with TARGET=prod\?/);
    answers.push("accept");
    const accepted = await session.call("triggerBuild", {
      jobFullName: SEED_JOBS.deployApi,
      parameters: { TARGET: "prod" },
    });
    expect(accepted.isError, accepted.text).toBe(false);
    expect(posts()).toHaveLength(1);
  });

  it("refuses a marked trigger from a client that cannot ask, when the policy says so", async () => {
    const mute = await connectStdio(env(), "v1");
    try {
      const answer = await mute.call("triggerBuild", { jobFullName: SEED_JOBS.deployApi });
      expect(answer.text).toMatch(/needs a person to confirm trigger.*cannot ask/);
      expect(posts()).toHaveLength(0);
    } finally {
      await mute.close();
    }
  });

  it("masks credentials in logs, with the policy's own patterns", async () => {
    const log = await session.call("getBuildLog", { jobFullName: "secrets", limit: 10 });
    const text = String(log.structured?.text);
    expect(text).toContain("password=****");
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("ghp_");
    expect(text).toContain("ticket **** done");
    expect(log.text).not.toContain(SECRET);
  });

  it("writes one audit line per call, allowed or refused, never a secret", async () => {
    await session.call("getJob", { jobFullName: SEED_JOBS.api });
    const lines = auditLines(auditLog);
    expect(
      lines.some((line) => line.outcome === "denied" && line.tool === "triggerBuild" && line.job === "hello"),
    ).toBe(true);
    expect(lines.some((line) => line.outcome === "declined")).toBe(true);
    const queued = lines.find(
      (line) => line.outcome === "ok" && String(line.message).includes("team/backend/api #"),
    );
    expect(queued?.message).toMatch(/^stdio triggered team\/backend\/api #\d+ with API_TOKEN=\*\*\*\*$/);
    for (const line of lines) {
      expect(line).toMatchObject({ client: "stdio" });
      expect(typeof line.time).toBe("string");
      expect(typeof line.durationMs).toBe("number");
    }
    expect(readFileSync(auditLog, "utf8")).not.toContain(SECRET);
    expect(readFileSync(auditLog, "utf8")).not.toContain(admin.apiToken);
  });

  it("stops at start on a malformed policy, saying which line", async () => {
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "rules:\n  - name: r\n    clients: [a]\n    jobs: [x]\n    allow: [deploy]\n");
    const child = spawn(process.execPath, [CLI, "--policy", broken], { env: env() });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(2);
    expect(stderr).toMatch(
      /broken\.yaml line 5 \(rules\.0\.allow\.0\): actions are read, trigger, cancel, create/,
    );
  });
});

describe("over HTTP (clients named by their tokens)", () => {
  const auditLog = join(dir, "http-audit.jsonl");
  const tokens = { "ci-bot": "ci-bot-token-0123456789abcdef", alice: "alice-token-0123456789abcdef0" };
  let handle: HttpServerHandle;
  let app: App;

  beforeAll(async () => {
    const tokensFile = join(dir, "tokens");
    writeFileSync(
      tokensFile,
      Object.entries(tokens)
        .map(([name, token]) => `${name} ${token}`)
        .join("\n"),
    );
    const config = loadConfig({
      JENKINS_URL: sim.url,
      JENKINS_USER: admin.id,
      JENKINS_API_TOKEN: admin.apiToken,
      MCP_TRANSPORT: "http",
      MCP_PORT: "0",
      MCP_AUTH_TOKENS_FILE: tokensFile,
      JENKINS_MCP_POLICY: policyFile,
      JENKINS_MCP_AUDIT_LOG: auditLog,
      LOG_LEVEL: "silent",
    });
    app = createApp(config);
    handle = await startHttpServer(config.http, app.dependencies);
  });

  afterAll(async () => {
    await handle?.close();
    await app?.close();
  });

  async function client(name: keyof typeof tokens, answer?: "accept" | "decline") {
    const mcp = new Client(
      { name: `guard-${name}`, version: "1.0.0" },
      {
        versionNegotiation: { mode: "auto" },
        ...(answer ? { capabilities: { elicitation: { form: {} } } } : {}),
      },
    );
    if (answer) {
      mcp.setRequestHandler("elicitation/create", async () =>
        answer === "accept" ? { action: "accept", content: { confirm: true } } : { action: "decline" },
      );
    }
    await mcp.connect(
      new StreamableHTTPClientTransport(new URL(handle.url), {
        requestInit: { headers: { authorization: `Bearer ${tokens[name]}` } },
      }),
    );
    return mcp;
  }

  const names = (result: { structuredContent?: unknown }) =>
    ((result.structuredContent as { jobs: Array<{ fullName: string }> }).jobs ?? []).map(
      (job) => job.fullName,
    );

  it("gives two clients different views of the same Jenkins", async () => {
    const bot = await client("ci-bot");
    const alice = await client("alice");
    try {
      expect(names(await bot.callTool({ name: "getJobs", arguments: {} }))).toEqual(["hello", "team"]);
      expect(names(await alice.callTool({ name: "getJobs", arguments: {} }))).toEqual(["secrets", "team"]);
      const refused = await bot.callTool({ name: "triggerBuild", arguments: { jobFullName: SEED_JOBS.api } });
      expect(refused.isError).toBe(true);
      expect(JSON.stringify(refused.content)).toContain(
        'no policy rule allows client \\"ci-bot\\" to trigger',
      );
      expect(posts()).toHaveLength(0);
    } finally {
      await bot.close();
      await alice.close();
    }
  });

  it("caps a client's triggers per minute", async () => {
    const bot = await client("ci-bot");
    try {
      expect(
        (await bot.callTool({ name: "triggerBuild", arguments: { jobFullName: "hello" } })).isError,
      ).toBeFalsy();
      const second = await bot.callTool({ name: "triggerBuild", arguments: { jobFullName: "hello" } });
      expect(second.isError).toBe(true);
      expect(JSON.stringify(second.content)).toMatch(/allows ci-bot 1 triggers a minute; try again in \d+ s/);
      expect(posts()).toHaveLength(1);
    } finally {
      await bot.close();
    }
  });

  it.each(["accept", "decline"] as const)(
    "asks a 2026-07-28 client through input_required (%s)",
    async (answer) => {
      const alice = await client("alice", answer);
      try {
        const result = await alice.callTool({
          name: "triggerBuild",
          arguments: { jobFullName: SEED_JOBS.deployApi, parameters: { TARGET: "staging" } },
        });
        expect(Boolean(result.isError)).toBe(answer === "decline");
        expect(posts()).toHaveLength(answer === "accept" ? 1 : 0);
      } finally {
        await alice.close();
      }
    },
  );

  it("audits each client under its own name", () => {
    app.dependencies.guard?.audit?.flush();
    const lines = auditLines(auditLog);
    expect(new Set(lines.map((line) => line.client))).toEqual(new Set(["ci-bot", "alice"]));
    expect(lines.some((line) => line.client === "ci-bot" && line.outcome === "denied")).toBe(true);
  });
});

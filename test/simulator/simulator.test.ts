import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  API_FAILED_TESTS,
  BIG_LOG_LINE_WIDTH,
  BIG_LOG_LINES,
  bigLogLine,
  JenkinsSimulator,
  SEED_JOBS,
  SIMULATOR_USERS,
} from "../../simulator/jenkins-simulator.js";
import { GeneratedLog } from "../../simulator/logs.js";

const { admin, reader } = SIMULATOR_USERS;

function basic(user: string, secret: string): string {
  return `Basic ${Buffer.from(`${user}:${secret}`).toString("base64")}`;
}

const ADMIN_TOKEN = basic(admin.id, admin.apiToken);
const READER_TOKEN = basic(reader.id, reader.apiToken);

interface Call {
  method?: string;
  auth?: string | null;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

function call(sim: JenkinsSimulator, path: string, options: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...options.headers };
  const auth = options.auth === undefined ? ADMIN_TOKEN : options.auth;
  if (auth) headers.authorization = auth;
  return fetch(new URL(path, sim.url), {
    method: options.method ?? "GET",
    headers,
    body: options.body,
    redirect: "manual",
    signal: options.signal,
  });
}

/** The parts of Jenkins' JSON answers these tests read. */
interface Named {
  _class?: string;
  name: string;
  jobs?: Named[];
}
interface Ref {
  _class?: string;
  number: number;
  url: string;
  result?: string | null;
}
interface ParamDefJson {
  name: string;
  defaultParameterValue: { value?: unknown };
}
interface JobJson {
  _class: string;
  fullName: string;
  fullDisplayName: string;
  description: string;
  color: string;
  builds: Ref[];
  allBuilds?: Ref[];
  lastBuild: Ref;
  lastFailedBuild: Ref;
  nextBuildNumber: number;
  healthReport: unknown[];
  property: { _class: string; parameterDefinitions: ParamDefJson[] }[];
  actions: { parameterDefinitions: ParamDefJson[] }[];
  jobs: Named[];
}
interface ActionJson {
  _class?: string;
  causes?: unknown[];
  parameters?: unknown[];
}
interface BuildJson {
  number: number;
  result: string | null;
  queueId: number;
  actions: ActionJson[];
  executor: { _class: string };
}
interface QueueItemJson {
  _class: string;
  id: number;
  why: string | null;
  params: string;
  task: unknown;
  executable?: unknown;
}

async function json<T>(sim: JenkinsSimulator, path: string, auth: string | null = ADMIN_TOKEN): Promise<T> {
  const res = await call(sim, path, { auth });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
}

function jobPath(fullName: string): string {
  return fullName
    .split("/")
    .map((name) => `job/${encodeURIComponent(name)}/`)
    .join("");
}

describe("JenkinsSimulator (default world)", () => {
  let sim: JenkinsSimulator;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });

  afterAll(async () => {
    await sim.close();
  });

  describe("item names", () => {
    it.each([
      ["job/OPS/job/Nightly/api/json?tree=fullName", "ops/nightly"],
      // Java's case-insensitive order: ſ is s, ı is i (Character.toUpperCase of each is S, I).
      ["job/op%C5%BF/job/n%C4%B1ghtly/api/json?tree=fullName", "ops/nightly"],
      ["job/mb/job/FEATURE%252flogin/api/json?tree=fullName", "mb/feature%2Flogin"],
    ])("finds %s as Jenkins does, answering its own spelling", async (path, fullName) => {
      const res = await call(sim, path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ _class: expect.any(String), fullName });
    });

    it("tells ß from ss, as Java's order does", async () => {
      sim.world.addJob("straße", { kind: "freestyle" });
      expect((await call(sim, "job/STRASSE/api/json")).status).toBe(404);
      expect((await call(sim, "job/STRA%C3%9FE/api/json")).status).toBe(200);
    });

    it("names the job of a queue item by its full name", async () => {
      const admin = { userId: SIMULATOR_USERS.admin.id, userName: SIMULATOR_USERS.admin.fullName };
      const { item } = sim.world.schedule(sim.world.getJob(SEED_JOBS.api), null, admin, 3_600_000);
      const res = await call(sim, `queue/item/${item.id}/api/json?tree=task[fullName,url]`);
      expect(((await res.json()) as { task: unknown }).task).toEqual({
        _class: expect.any(String),
        fullName: SEED_JOBS.api,
        url: `${sim.url}job/team/job/backend/job/api/`,
      });
    });
  });

  describe("identity, auth and headers", () => {
    it("serves the root object with X-Jenkins", async () => {
      const res = await call(sim, "api/json");
      expect(res.headers.get("x-jenkins")).toBe("2.541.1");
      const root = (await res.json()) as JobJson & {
        useSecurity: boolean;
        url: string;
        assignedLabels: unknown;
      };
      expect(root._class).toBe("hudson.model.Hudson");
      expect(root.useSecurity).toBe(true);
      expect(root.url).toBe(sim.url);
      expect(root.jobs.map((j) => j.name)).toContain("hello");
      expect(root.jobs.find((j) => j.name === "hello")).toEqual({
        _class: "hudson.model.FreeStyleProject",
        name: "hello",
        url: `${sim.url}job/hello/`,
        color: "blue",
      });
      expect(root.assignedLabels).toEqual([{ name: "built-in" }]);
    });

    it("answers HEAD / with X-Jenkins and no body", async () => {
      const res = await call(sim, "", { method: "HEAD" });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-jenkins")).toBe("2.541.1");
    });

    it("refuses bad credentials with 401 and no X-Jenkins", async () => {
      const res = await call(sim, "api/json", { auth: basic("admin", "wrong") });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toBe('Basic realm="Jenkins"');
      expect(res.headers.get("x-jenkins")).toBeNull();
    });

    it("answers anonymous with a 403 Jenkins page", async () => {
      const res = await call(sim, "api/json", { auth: null });
      expect(res.status).toBe(403);
      expect(res.headers.get("x-jenkins")).toBe("2.541.1");
      expect(res.headers.get("x-required-permission")).toBe("hudson.model.Hudson.Read");
      expect(res.headers.get("content-type")).toContain("text/html");
      expect(await res.text()).toContain("Authentication required");
    });

    it("tells who is calling, even to anonymous", async () => {
      expect(await json(sim, "whoAmI/api/json", READER_TOKEN)).toEqual({
        _class: "hudson.security.WhoAmI",
        anonymous: false,
        authenticated: true,
        authorities: ["authenticated"],
        name: "reader",
      });
      expect((await json<{ anonymous: boolean }>(sim, "whoAmI/api/json", null)).anonymous).toBe(true);
    });

    it("lists computers with executors and offline flags", async () => {
      const computers = await json<{
        totalExecutors: number;
        computer: { offline: boolean; executors: unknown[] }[];
      }>(sim, "computer/api/json");
      expect(computers.totalExecutors).toBe(2);
      expect(computers.computer.map((c) => c.offline)).toEqual([false, true]);
      expect(computers.computer[0]?.executors).toEqual([{}, {}]);
    });
  });

  describe("api/json shapes, tree and depth", () => {
    it("prunes with tree, nested and with ranges", async () => {
      const folder = await json<unknown>(sim, `${jobPath("big-folder")}api/json?tree=jobs[name]{10,13}`);
      expect(folder).toEqual({
        _class: "com.cloudbees.hudson.plugins.folder.Folder",
        jobs: [
          { _class: "hudson.model.FreeStyleProject", name: "job-00010" },
          { _class: "hudson.model.FreeStyleProject", name: "job-00011" },
          { _class: "hudson.model.FreeStyleProject", name: "job-00012" },
        ],
      });
      const names = async (range: string) =>
        (await json<JobJson>(sim, `${jobPath("big-folder")}api/json?tree=jobs[name]${range}`)).jobs.map(
          (j) => j.name,
        );
      expect(await names("{,2}")).toEqual(["job-00000", "job-00001"]);
      expect(await names("{9998,}")).toEqual(["job-09998", "job-09999"]);
      expect(await names("{5}")).toEqual(["job-00005"]);
      const nested = await json<JobJson>(sim, "api/json?tree=jobs[name,jobs[name,jobs[name]],nope]");
      const team = nested.jobs.find((j) => j.name === "team");
      expect(team?.jobs).toEqual([
        {
          _class: "com.cloudbees.hudson.plugins.folder.Folder",
          name: "backend",
          jobs: [
            { _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob", name: "api" },
            { _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob", name: "deploy-api" },
          ],
        },
        {
          _class: "com.cloudbees.hudson.plugins.folder.Folder",
          name: "frontend",
          jobs: [{ _class: "hudson.model.FreeStyleProject", name: "web" }],
        },
      ]);
    });

    it("answers a malformed tree with an HTML 500", async () => {
      const res = await call(sim, "api/json?tree=jobs[name");
      expect(res.status).toBe(500);
      expect(res.headers.get("content-type")).toContain("text/html");
    });

    it("shapes a parameterized pipeline at depth 0", async () => {
      const job = await json<JobJson>(sim, `${jobPath(SEED_JOBS.api)}api/json`);
      expect(job._class).toBe("org.jenkinsci.plugins.workflow.job.WorkflowJob");
      expect(job.fullName).toBe("team/backend/api");
      expect(job.fullDisplayName).toBe("team » backend » api");
      expect(job.builds[0]).toEqual({
        _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        number: 5,
        url: `${sim.url}job/team/job/backend/job/api/5/`,
      });
      expect(job.lastFailedBuild.number).toBe(4);
      expect(job.nextBuildNumber).toBe(6);
      expect(job.healthReport).toEqual([
        {
          description: "Build stability: 1 out of the last 5 builds failed.",
          iconClassName: "icon-health-60to79",
          iconUrl: "health-60to79.png",
          score: 80,
        },
      ]);
      const [property] = job.property;
      expect(property?._class).toBe("hudson.model.ParametersDefinitionProperty");
      const byName = new Map(property?.parameterDefinitions.map((p) => [p.name, p]));
      expect(byName.get("ENV")).toEqual({
        _class: "hudson.model.ChoiceParameterDefinition",
        defaultParameterValue: { _class: "hudson.model.StringParameterValue", name: "ENV", value: "dev" },
        description: "Target environment",
        name: "ENV",
        type: "ChoiceParameterDefinition",
        choices: ["dev", "staging", "prod"],
      });
      expect(byName.get("DEPLOY")?.defaultParameterValue.value).toBe(false);
      expect(byName.get("API_TOKEN")?.defaultParameterValue).toEqual({
        _class: "hudson.model.PasswordParameterValue",
        name: "API_TOKEN",
      });
      // One level deeper inside actions, so the value's name is pruned as in Jenkins.
      expect(job.actions[0]?.parameterDefinitions[0]?.defaultParameterValue).toEqual({
        _class: "hudson.model.StringParameterValue",
        value: "main",
      });
      expect(Object.keys(job).slice(-5)).toEqual([
        "concurrentBuild",
        "disabled",
        "inQueue",
        "queueItem",
        "resumeBlocked",
      ]);
    });

    it("expands nested objects with depth", async () => {
      const shallow = await json<JobJson>(sim, `${jobPath("hello")}api/json`);
      expect(Object.keys(shallow.lastBuild)).toEqual(["_class", "number", "url"]);
      expect(shallow.allBuilds).toBeUndefined();
      const deep = await json<JobJson>(sim, `${jobPath("hello")}api/json?depth=1`);
      expect(deep.lastBuild.result).toBe("SUCCESS");
      const all = await json<JobJson>(sim, `${jobPath("hello")}api/json?tree=allBuilds[number]`);
      expect(all.allBuilds?.map((b) => b.number)).toEqual([3, 2, 1]);
    });

    it("serves builds and permalinks, with or without a trailing slash", async () => {
      const build = await json<BuildJson>(sim, `${jobPath(SEED_JOBS.api)}4/api/json`);
      expect(build).toMatchObject({
        number: 4,
        result: "FAILURE",
        building: false,
        id: "4",
        fullDisplayName: "team » backend » api #4",
        displayName: "#4",
      });
      const action = (name: string) => build.actions.find((a) => a._class === name);
      expect(action("hudson.model.CauseAction")?.causes?.[0]).toEqual({
        _class: "hudson.model.Cause$UserIdCause",
        shortDescription: "Started by user admin",
        userId: "admin",
        userName: "admin",
      });
      const params = action("hudson.model.ParametersAction");
      expect(params?.parameters).toContainEqual({
        _class: "hudson.model.StringParameterValue",
        name: "ENV",
        value: "prod",
      });
      expect(params?.parameters).toContainEqual({
        _class: "hudson.model.PasswordParameterValue",
        name: "API_TOKEN",
      });
      expect(action("hudson.tasks.junit.TestResultAction")).toEqual({
        _class: "hudson.tasks.junit.TestResultAction",
        ...API_FAILED_TESTS,
        urlName: "testReport",
      });
      expect(build.actions).toContainEqual({});
      const viaPermalink = await json<unknown>(
        sim,
        `${jobPath(SEED_JOBS.api)}lastFailedBuild/api/json/?tree=number`,
      );
      expect(viaPermalink).toEqual({ _class: "org.jenkinsci.plugins.workflow.job.WorkflowRun", number: 4 });
    });

    it("addresses multibranch branches by their encoded names", async () => {
      const res = await call(sim, "job/mb/job/feature%252Flogin/api/json?tree=name,fullName,displayName");
      expect(await res.json()).toEqual({
        _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob",
        displayName: "feature/login",
        fullName: "mb/feature%2Flogin",
        name: "feature%2Flogin",
      });
      expect((await call(sim, "job/mb/job/feature%2Flogin/api/json")).status).toBe(400);
    });

    it("answers unknown jobs and builds with an HTML 404 carrying X-Jenkins", async () => {
      for (const path of [
        "job/nope/api/json",
        "job/hello/99/api/json",
        "job/hello/lastUnstableBuild/api/json",
      ]) {
        const res = await call(sim, path);
        expect(res.status).toBe(404);
        expect(res.headers.get("x-jenkins")).toBe("2.541.1");
        expect(await res.text()).toContain("<title>Not Found - Jenkins</title>");
      }
    });
  });

  describe("logs", () => {
    const helloLog = () => sim.world.getJob("hello").getBuild(3)?.log;

    it("streams consoleText without Content-Length, notes stripped, colours kept", async () => {
      const res = await call(sim, `${jobPath(SEED_JOBS.api)}4/consoleText`);
      expect(res.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
      expect(res.headers.get("content-length")).toBeNull();
      expect(res.headers.get("x-jenkins")).toBeNull();
      const text = await res.text();
      expect(text).not.toContain("\u001b[8mha:");
      expect(text).toContain("\u001b[31mERROR: script returned exit code 1\u001b[0m");
      expect(text).toContain("[Pipeline] End of Pipeline\n");
      expect(text.endsWith("Finished: FAILURE\n")).toBe(true);
    });

    it("serves progressiveText with byte offsets, CRLF bodies and X-Text-Size", async () => {
      const log = helloLog();
      if (!log) throw new Error("no log");
      const raw = Buffer.concat([...log.read(0, log.length())]).toString("utf8");
      const res = await call(sim, `${jobPath("hello")}3/logText/progressiveText?start=0`);
      expect(res.headers.get("x-text-size")).toBe(String(log.length()));
      expect(res.headers.get("x-more-data")).toBeNull();
      expect(res.headers.get("x-jenkins")).toBeNull();
      const body = await res.text();
      expect(body).toBe(raw.replace(/\n/g, "\r\n"));
      expect(body).toContain("\u001b[8mha:");
      const offset = raw.indexOf("Running as SYSTEM");
      const tail = await call(sim, `${jobPath("hello")}3/logText/progressiveText?start=${offset}`);
      expect((await tail.text()).startsWith("Running as SYSTEM\r\n")).toBe(true);
    });

    it("sends the whole log when start is past the end (rollover trap)", async () => {
      const res = await call(sim, `${jobPath("hello")}3/logText/progressiveText?start=99999999`);
      const body = await res.text();
      expect(body.startsWith("Started by user")).toBe(true);
      expect(res.headers.get("x-text-size")).toBe(String(helloLog()?.length()));
    });

    it("answers HEAD with the size and reads only from start", async () => {
      const size = 200_000_000;
      const before = sim.stats.logBytesRead;
      const res = await call(sim, `${jobPath("big-log")}1/logText/progressiveText?start=${size}`, {
        method: "HEAD",
      });
      const length = Number(res.headers.get("x-text-size"));
      expect(length).toBe(sim.world.getJob("big-log").getBuild(1)?.log.length());
      expect(sim.stats.logBytesRead - before).toBe(length - size);
      expect(sim.stats.logBytesSpooled).toBe(0);
    });

    it("tails a huge log in streaming mode with a 64 KiB answer", async () => {
      sim.clearRequests();
      const res = await call(sim, `${jobPath("big-log")}1/logText/progressiveText?start=-65536`, {
        headers: { accept: "multipart/form-data" },
      });
      const type = res.headers.get("content-type") ?? "";
      const boundary = /boundary=(.+)$/.exec(type)?.[1];
      expect(boundary).toMatch(/^[0-9a-f-]{36}$/);
      const body = await res.text();
      const [textPart, metaPart] = body.split(`--${boundary}`).slice(1);
      expect(textPart?.startsWith("\r\nContent-Disposition: form-data;name=text\r\n")).toBe(true);
      const text = textPart?.slice(textPart.indexOf("\r\n\r\n") + 4, -2) ?? "";
      const meta = JSON.parse(metaPart?.slice(metaPart.indexOf("\r\n\r\n") + 4, -2) ?? "{}");
      const total = sim.world.getJob("big-log").getBuild(1)?.log.length() ?? 0;
      expect(meta).toEqual({ completed: true, startFromNewLine: true, start: meta.start, end: total });
      expect(Object.keys(meta)).toEqual(["completed", "startFromNewLine", "start", "end"]);
      expect(total - meta.start).toBeLessThanOrEqual(65536);
      expect(text.endsWith("Finished: SUCCESS\n")).toBe(true);
      expect(text).toContain(bigLogLine(BIG_LOG_LINES).trimEnd());
      expect(text.startsWith("Line ")).toBe(true);
      const [record] = sim.requests;
      expect(record?.responseBytes).toBeGreaterThan(65_000);
      expect(record?.responseBytes).toBeLessThan(66_000);
    });

    it("generates the huge log from arithmetic", async () => {
      const line = 1_234_567;
      const log = sim.world.getJob("big-log").getBuild(1)?.log;
      if (!(log instanceof GeneratedLog)) throw new Error("no generated log");
      expect(log.length()).toBe(
        log.offsetOfLine(1) + BIG_LOG_LINES * BIG_LOG_LINE_WIDTH + "Finished: SUCCESS\n".length,
      );
      const start = log.offsetOfLine(line);
      const res = await call(sim, `${jobPath("big-log")}1/logText/progressiveText?start=${start}`, {
        signal: AbortSignal.timeout(5000),
      });
      const reader = res.body?.getReader();
      const first = await reader?.read();
      await reader?.cancel();
      expect(
        Buffer.from(first?.value ?? [])
          .toString("latin1")
          .startsWith(bigLogLine(line).replace("\n", "\r\n")),
      ).toBe(true);
    });

    it("counts only the bytes written when a client aborts a huge download", async () => {
      sim.clearRequests();
      const controller = new AbortController();
      const res = await call(sim, `${jobPath("big-log")}1/consoleText`, { signal: controller.signal });
      const reader = res.body?.getReader();
      let received = 0;
      while (received < 1_000_000) received += (await reader?.read())?.value?.length ?? 0;
      controller.abort();
      const [record] = sim.requests;
      await sim.world.waitFor(() => record?.finished === false && record.responseBytes > 0, 2000);
      await new Promise((resolve) => setImmediate(resolve));
      expect(record?.responseBytes).toBeLessThan(50_000_000);
      expect(record?.finished).toBe(false);
    });
  });

  describe("triggering and the queue", () => {
    it("queues a build with 201 and an absolute Location, then runs it", async () => {
      const res = await call(sim, `${jobPath("hello")}build`, { method: "POST" });
      expect(res.status).toBe(201);
      expect(res.headers.get("x-jenkins")).toBeNull();
      expect(await res.text()).toBe("");
      const location = res.headers.get("location") ?? "";
      expect(location).toMatch(new RegExp(`^${sim.url}queue/item/\\d+/$`));
      const id = Number(/item\/(\d+)/.exec(location)?.[1]);
      await sim.world.waitFor(() => sim.world.queueItem(id)?.build?.result != null);
      const left = await json<QueueItemJson & { cancelled: boolean }>(sim, `${location}api/json`);
      expect(left._class).toBe("hudson.model.Queue$LeftItem");
      expect(left.cancelled).toBe(false);
      expect(left.why).toBeNull();
      expect(left.executable).toEqual({
        _class: "hudson.model.FreeStyleBuild",
        number: 4,
        url: `${sim.url}job/hello/4/`,
      });
      const build = await json<BuildJson>(sim, "job/hello/4/api/json");
      expect(build.result).toBe("SUCCESS");
      expect(build.queueId).toBe(id);
      const stopped = await call(sim, "job/hello/4/stop", { method: "POST", auth: READER_TOKEN });
      expect(stopped.status).toBe(302);
      expect(stopped.headers.get("location")).toBe(`${sim.url}job/hello/4/`);
    });

    it("merges identical requests", async () => {
      const first = await call(sim, `${jobPath("slow")}build`, { method: "POST" });
      const second = await call(sim, `${jobPath("slow")}build`, { method: "POST" });
      expect(second.status).toBe(201);
      expect(second.headers.get("location")).toBe(first.headers.get("location"));
      const path = `${jobPath(SEED_JOBS.api)}buildWithParameters?BRANCH=x&delay=3600sec`;
      const a = await call(sim, path, { method: "POST" });
      const b = await call(sim, path, { method: "POST" });
      expect(a.status).toBe(201);
      expect(b.status).toBe(303);
      expect(b.headers.get("location")).toBe(a.headers.get("location"));
      const item = await json<QueueItemJson>(sim, `${a.headers.get("location")}api/json`);
      expect(item.params).toBe("\nBRANCH=x\nDEPLOY=false\nENV=dev\nAPI_TOKEN=****");
      const other = await call(sim, `${jobPath(SEED_JOBS.api)}buildWithParameters?BRANCH=y&delay=3600sec`, {
        method: "POST",
      });
      expect(other.headers.get("location")).not.toBe(a.headers.get("location"));
    });

    it("refuses wrong trigger requests like Jenkins", async () => {
      const notParameterized = await call(sim, `${jobPath("hello")}buildWithParameters?X=1`, {
        method: "POST",
      });
      expect(notParameterized.status).toBe(400);
      expect(await notParameterized.text()).toContain("hello is not parameterized");
      expect((await call(sim, `${jobPath(SEED_JOBS.api)}build`, { method: "POST" })).status).toBe(400);
      const disabled = await call(sim, `${jobPath("disabled-job")}build`, { method: "POST" });
      expect(disabled.status).toBe(409);
      expect(await disabled.text()).toContain("disabled-job is not buildable");
      const badChoice = await call(sim, `${jobPath(SEED_JOBS.api)}buildWithParameters?ENV=moon`, {
        method: "POST",
      });
      expect(badChoice.status).toBe(500);
      expect(badChoice.headers.get("content-type")).toContain("text/html");
      expect((await call(sim, `${jobPath("team")}build`, { method: "POST" })).status).toBe(404);
      expect((await call(sim, `${jobPath("hello")}build`)).status).toBe(405);
      const denied = await call(sim, `${jobPath("hello")}build`, { method: "POST", auth: READER_TOKEN });
      expect(denied.status).toBe(403);
      expect(denied.headers.get("x-you-are-authenticated-as")).toBe("reader");
      expect(denied.headers.get("x-required-permission")).toBe("hudson.model.Item.Build");
    });

    it("accepts the json form field on /build of a parameterized job", async () => {
      const form = new URLSearchParams({
        json: JSON.stringify({ parameter: [{ name: "BRANCH", value: "json-form" }] }),
      });
      const res = await call(sim, `${jobPath(SEED_JOBS.api)}build?delay=3600sec`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
      expect(res.status).toBe(201);
      const item = await json<QueueItemJson>(sim, `${res.headers.get("location")}api/json`);
      expect(item.params).toBe("\nBRANCH=json-form");
    });

    it("cancels queue items with the codes of Queue.doCancelItem", async () => {
      const res = await call(sim, `${jobPath("slow")}build`, { method: "POST" });
      const id = Number(/item\/(\d+)/.exec(res.headers.get("location") ?? "")?.[1]);
      const byReader = await call(sim, `queue/cancelItem?id=${id}`, { method: "POST", auth: READER_TOKEN });
      expect(byReader.status).toBe(422);
      const queue = await json<{ items: QueueItemJson[] }>(sim, "queue/api/json");
      expect(queue.items.map((i) => i.id)).toContain(id);
      const cancelled = await call(sim, `queue/cancelItem?id=${id}`, { method: "POST" });
      expect(cancelled.status).toBe(204);
      expect(cancelled.headers.get("x-jenkins")).toBeNull();
      const left = await json<unknown>(sim, `queue/item/${id}/api/json`);
      expect(left).toMatchObject({
        _class: "hudson.model.Queue$LeftItem",
        cancelled: true,
        executable: null,
      });
      expect((await call(sim, `queue/cancelItem?id=${id}`, { method: "POST" })).status).toBe(500);
      expect((await call(sim, "queue/cancelItem?id=999999", { method: "POST" })).status).toBe(404);
    });
  });

  describe("crumbs", () => {
    it("requires a crumb bound to its session for password POSTs", async () => {
      const password = basic(admin.id, admin.password);
      const refused = await call(sim, `${jobPath("slow")}build`, { method: "POST", auth: password });
      expect(refused.status).toBe(403);
      expect(refused.headers.get("x-jenkins")).toBeNull();
      expect(await refused.text()).toContain("No valid crumb was included in the request");
      const issued = await call(sim, "crumbIssuer/api/json", { auth: password });
      const cookie = (issued.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect(cookie).toMatch(/^JSESSIONID\.[0-9a-f]{8}=/);
      const { crumb, crumbRequestField, _class } = (await issued.json()) as Record<string, string>;
      expect(_class).toBe("hudson.security.csrf.DefaultCrumbIssuer");
      expect(crumbRequestField).toBe("Jenkins-Crumb");
      const headers = { [crumbRequestField ?? ""]: crumb ?? "", cookie };
      const withoutCookie = await call(sim, `${jobPath("slow")}build`, {
        method: "POST",
        auth: password,
        headers: { [crumbRequestField ?? ""]: crumb ?? "" },
      });
      expect(withoutCookie.status).toBe(403);
      expect(
        (await call(sim, `${jobPath("slow")}build`, { method: "POST", auth: password, headers })).status,
      ).toBe(201);
      sim.expireCrumbs();
      expect(
        (await call(sim, `${jobPath("slow")}build`, { method: "POST", auth: password, headers })).status,
      ).toBe(403);
      expect((await call(sim, `${jobPath("slow")}build`, { method: "POST" })).status).toBe(201);
    });
  });

  describe("createItem and config.xml", () => {
    const xml = (root: string, inner = "") =>
      `<?xml version='1.1' encoding='UTF-8'?>\n<${root}>${inner}</${root}>`;
    const create = (query: string, body?: string, contentType: string | null = "application/xml") =>
      call(sim, `createItem?${query}`, {
        method: "POST",
        headers: contentType ? { "content-type": contentType } : {},
        body,
      });

    it("creates items from config.xml", async () => {
      const params =
        "<properties><hudson.model.ParametersDefinitionProperty><parameterDefinitions>" +
        "<hudson.model.StringParameterDefinition><name>WHO</name><defaultValue>world</defaultValue></hudson.model.StringParameterDefinition>" +
        "</parameterDefinitions></hudson.model.ParametersDefinitionProperty></properties>";
      const res = await create(
        "name=created-pipeline",
        xml("flow-definition", `<description>d</description>${params}`),
      );
      expect(res.status).toBe(200);
      expect(await res.text()).toBe("");
      const job = await json<JobJson>(
        sim,
        "job/created-pipeline/api/json?tree=description,property[parameterDefinitions[name]]",
      );
      expect(job.description).toBe("d");
      expect(job.property[0]?.parameterDefinitions[0]?.name).toBe("WHO");
      const config = await call(sim, "job/created-pipeline/config.xml");
      expect(config.headers.get("x-jenkins")).toBeNull();
      expect(await config.text()).toContain("<name>WHO</name>");
      expect((await call(sim, "job/created-pipeline/config.xml", { auth: READER_TOKEN })).status).toBe(403);
      const folder = await create("name=made", xml("com.cloudbees.hudson.plugins.folder.Folder"));
      expect(folder.status).toBe(200);
      expect(
        (
          await call(sim, `job/made/createItem?name=inner`, {
            method: "POST",
            headers: { "content-type": "text/xml" },
            body: xml("project", "<disabled>true</disabled>"),
          })
        ).status,
      ).toBe(200);
      expect((await json<JobJson>(sim, "job/made/job/inner/api/json?tree=color,buildable")).color).toBe(
        "disabled",
      );
    });

    it("explains refusals in X-Error", async () => {
      const cases: [string, string | undefined, string | null, string][] = [
        ["name=hello", xml("project"), "application/xml", "A job already exists with the name ?hello?"],
        ["name=HELLO", xml("project"), "application/xml", "A job already exists with the name ?HELLO?"],
        ["", xml("project"), "application/xml", "Query parameter 'name' is required"],
        ["name=a!b", xml("project"), "application/xml", "?!? is an unsafe character"],
        ["name=.", xml("project"), "application/xml", "?.? is not an allowed name"],
        ["name=dot.", xml("project"), "application/xml", "A name cannot end with ?.?"],
        ["name=x", undefined, null, "No Content-Type header set"],
        ["name=copy1&mode=copy&from=nope", undefined, null, "No such job: nope"],
      ];
      for (const [query, body, type, error] of cases) {
        const res = await create(query, body, type);
        expect(res.status, query).toBe(400);
        expect(res.headers.get("x-error")).toBe(error);
        expect(res.headers.get("x-jenkins")).toBe("2.541.1");
      }
      expect((await create("name=broken", "<project><oops></project>")).status).toBe(500);
      const copy = await create("name=hello-copy&mode=copy&from=hello", undefined, null);
      expect(copy.status).toBe(302);
      expect(copy.headers.get("location")).toBe(`${sim.url}job/hello-copy/configure`);
      expect((await create("name=x2", xml("project"), "application/xml")).status).toBe(200);
      const denied = await call(sim, "createItem?name=r", { method: "POST", auth: READER_TOKEN });
      expect(denied.headers.get("x-required-permission")).toBe("hudson.model.Item.Create");
    });
  });
});

describe("JenkinsSimulator with a manual clock", () => {
  let sim: JenkinsSimulator;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ clock: "manual" });
  });

  afterAll(async () => {
    await sim.close();
  });

  it("grows a running log; progressiveText stops at complete lines and says there is more", async () => {
    const res = await call(sim, `${jobPath(SEED_JOBS.longRunning)}build?delay=0`, { method: "POST" });
    expect(res.status).toBe(201);
    sim.world.advance(0);
    const job = sim.world.getJob(SEED_JOBS.longRunning);
    const build = job.getBuild(1);
    expect(build?.building).toBe(true);
    sim.world.advance(1000);
    const first = await call(sim, `${jobPath(SEED_JOBS.longRunning)}1/logText/progressiveText?start=0`);
    expect(first.headers.get("x-more-data")).toBe("true");
    const size = Number(first.headers.get("x-text-size"));
    const text = await first.text();
    expect(text).toContain("step 9 of 600");
    expect(text.endsWith("[Pipeline] sh (step 10)\r\n")).toBe(true);
    sim.world.advance(500);
    const next = await call(sim, `${jobPath(SEED_JOBS.longRunning)}1/logText/progressiveText?start=${size}`);
    const more = await next.text();
    expect(more.startsWith("step 11 of 600")).toBe(true);
    expect(Number(next.headers.get("x-text-size"))).toBe(build?.log.length());
    const running = await json<BuildJson>(sim, `${jobPath(SEED_JOBS.longRunning)}1/api/json`);
    expect(running).toMatchObject({ building: true, result: null, duration: 0, inProgress: true });
    expect(running.executor._class).toBe("hudson.model.OneOffExecutor");
    expect((await json<JobJson>(sim, `${jobPath(SEED_JOBS.longRunning)}api/json?tree=color`)).color).toBe(
      "notbuilt_anime",
    );
    const stop = await call(sim, `${jobPath(SEED_JOBS.longRunning)}1/stop`, { method: "POST" });
    expect(stop.status).toBe(302);
    expect(stop.headers.get("location")).toBe(`${sim.url}job/long-running/1/`);
    expect(build?.result).toBe("ABORTED");
    const done = await call(sim, `${jobPath(SEED_JOBS.longRunning)}1/logText/progressiveText?start=0`);
    expect(done.headers.get("x-more-data")).toBeNull();
    const aborted = await done.text();
    expect(aborted).toContain("Aborted by admin\r\n");
    expect(aborted.endsWith("Finished: ABORTED\r\n")).toBe(true);
  });

  it("reports waiting, blocked and left queue items like Jenkins", async () => {
    const first = await call(sim, `${jobPath("hello")}build`, { method: "POST" });
    const waiting = await json<QueueItemJson>(sim, `${first.headers.get("location")}api/json`);
    expect(waiting._class).toBe("hudson.model.Queue$WaitingItem");
    expect(waiting.why).toBe("In the quiet period. Expires in 0.2 sec");
    expect(waiting.task).toEqual({
      _class: "hudson.model.FreeStyleProject",
      name: "hello",
      url: `${sim.url}job/hello/`,
      color: "blue",
    });
    expect(waiting.executable).toBeUndefined();
    sim.world.advance(200);
    const second = await call(sim, `${jobPath("hello")}build?delay=0`, { method: "POST" });
    sim.world.advance(100);
    const blocked = await json<QueueItemJson>(sim, `${second.headers.get("location")}api/json`);
    expect(blocked._class).toBe("hudson.model.Queue$BlockedItem");
    expect(blocked.why).toMatch(/^Build #4 is already in progress \(ETA: /);
    sim.world.advance(200);
    expect((await json<QueueItemJson>(sim, `${second.headers.get("location")}api/json`))._class).toBe(
      "hudson.model.Queue$LeftItem",
    );
    sim.world.advance(300);
  });

  it("answers for a log file that does not exist yet", async () => {
    sim.world.addJob("late-log", { logStartDelayMs: 1000, durationMs: 5000 });
    await call(sim, "job/late-log/build?delay=0", { method: "POST" });
    sim.world.advance(0);
    const res = await call(sim, "job/late-log/1/logText/progressiveText?start=0");
    expect(res.headers.get("x-text-size")).toBe("0");
    expect(res.headers.get("x-more-data")).toBe("true");
    expect(await res.text()).toBe("");
    sim.world.advance(1000);
    const started = await call(sim, "job/late-log/1/logText/progressiveText?start=0");
    expect(await started.text()).toContain("Started by user");
    const denied = await call(sim, "job/late-log/1/stop", { method: "POST", auth: READER_TOKEN });
    expect(denied.status).toBe(403);
    expect(denied.headers.get("x-required-permission")).toBe("hudson.model.Item.Cancel");
  });

  it("keeps slow items waiting with an exact why, until the delay passes", async () => {
    const res = await call(sim, `${jobPath("slow")}build`, { method: "POST" });
    const location = res.headers.get("location") ?? "";
    expect((await json<QueueItemJson>(sim, `${location}api/json`)).why).toBe(
      "In the quiet period. Expires in 1 hr 0 min",
    );
    sim.world.advance(3_600_000 - 4_900);
    expect((await json<QueueItemJson>(sim, `${location}api/json`)).why).toBe(
      "In the quiet period. Expires in 4.9 sec",
    );
    sim.world.advance(4_900);
    expect((await json<QueueItemJson>(sim, `${location}api/json`))._class).toBe(
      "hudson.model.Queue$LeftItem",
    );
  });

  it("forgets left items after their time to live", async () => {
    const res = await call(sim, `${jobPath("hello")}build?delay=0`, { method: "POST" });
    const location = res.headers.get("location") ?? "";
    sim.world.advance(300);
    expect((await call(sim, `${location}api/json`)).status).toBe(200);
    sim.world.advance(300_000);
    expect((await call(sim, `${location}api/json`)).status).toBe(404);
  });
});

describe("JenkinsSimulator faults", () => {
  let sim: JenkinsSimulator;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ prefix: "/jenkins" });
  });

  afterAll(async () => {
    await sim.close();
  });

  it("lives under its prefix; other paths are the proxy's", async () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/jenkins\/$/);
    expect((await call(sim, "job/hello/api/json")).status).toBe(200);
    const outside = await call(sim, "/api/json");
    expect(outside.status).toBe(404);
    expect(outside.headers.get("x-jenkins")).toBeNull();
    const created = await call(sim, "job/hello/build", { method: "POST" });
    expect(created.headers.get("location")).toMatch(/\/jenkins\/queue\/item\/\d+\/$/);
  });

  it.each([
    ["html502", 502],
    ["html503", 503],
    ["html504", 504],
  ] as const)("answers an injected %s from the proxy, then recovers", async (kind, status) => {
    sim.injectFault({ match: { path: "/api/json" }, kind, times: 1 });
    const failed = await call(sim, "api/json");
    expect(failed.status).toBe(status);
    expect(failed.headers.get("x-jenkins")).toBeNull();
    expect(await failed.text()).toMatch(/<title>\d{3} /);
    expect((await call(sim, "api/json")).status).toBe(200);
  });

  it.each([
    ["html429", 429, "7"],
    ["html503", 503, "Wed, 21 Oct 2037 07:28:00 GMT"],
  ] as const)("sheds load with an injected %s and its Retry-After", async (kind, status, retryAfter) => {
    sim.injectFault({ match: { path: "/api/json" }, kind, retryAfter, times: 1 });
    const failed = await call(sim, "api/json");
    expect(failed.status).toBe(status);
    expect(failed.headers.get("retry-after")).toBe(retryAfter);
    expect((await call(sim, "api/json")).status).toBe(200);
  });

  it("can look like an SSO proxy or like another web server", async () => {
    sim.injectFault({ match: { path: /api\/json$/ }, kind: "sso-redirect", times: 1 });
    const redirected = await call(sim, "api/json");
    expect(redirected.status).toBe(302);
    const login = await fetch(redirected.headers.get("location") ?? "");
    expect(login.status).toBe(200);
    expect(login.headers.get("x-jenkins")).toBeNull();
    sim.injectFault({ match: { method: "HEAD", path: "/" }, kind: "no-x-jenkins", times: 1 });
    const other = await call(sim, "", { method: "HEAD" });
    expect(other.status).toBe(200);
    expect(other.headers.get("x-jenkins")).toBeNull();
  });

  it("resets after processing: the build is queued although the client saw an error", async () => {
    const job = sim.world.getJob("slow");
    const queuedBefore = sim.world.queue.filter((q) => q.job === job).length;
    sim.clearRequests();
    sim.injectFault({
      match: { method: "POST", path: "/job/slow/build" },
      kind: "reset",
      afterHandling: true,
      times: 1,
    });
    await expect(call(sim, "job/slow/build", { method: "POST" })).rejects.toThrow();
    expect(sim.world.queue.filter((q) => q.job === job).length).toBe(queuedBefore + 1);
    expect(sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
    expect(sim.requests[0]?.status).toBe(0);
  });

  it("delays the answer of a processed trigger: a client timeout does not mean it was not queued", async () => {
    const job = sim.world.addJob("delayed-trigger", { quietPeriodMs: 3_600_000 });
    sim.clearRequests();
    sim.injectFault({
      match: { method: "POST", path: /\/build$/ },
      kind: "delay",
      delayMs: 5000,
      afterHandling: true,
    });
    const timeout = AbortSignal.timeout(100);
    await expect(
      call(sim, "job/delayed-trigger/build", { method: "POST", signal: timeout }),
    ).rejects.toThrow();
    sim.clearFaults();
    expect(sim.world.queue.filter((q) => q.job === job)).toHaveLength(1);
    expect(sim.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("hangs or delays on demand", async () => {
    sim.injectFault({ match: { path: "/api/json" }, kind: "hang", times: 1 });
    await expect(call(sim, "api/json", { signal: AbortSignal.timeout(200) })).rejects.toThrow();
    sim.injectFault({ match: { path: "/api/json" }, kind: "delay", delayMs: 150, times: 1 });
    const started = Date.now();
    expect((await call(sim, "api/json")).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe("JenkinsSimulator as an older Jenkins", () => {
  let sim: JenkinsSimulator;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ version: "2.492.3" });
  });

  afterAll(async () => {
    await sim.close();
  });

  it("has no streaming mode, fails a negative start, and spools HEAD probes", async () => {
    const tail = await call(sim, "job/big-log/1/logText/progressiveText?start=-65536", {
      headers: { accept: "multipart/form-data" },
    });
    expect(tail.status).toBe(500);
    expect(tail.headers.get("content-type")).toContain("text/html");
    const head = await call(sim, "job/hello/3/logText/progressiveText?start=0", { method: "HEAD" });
    const size = Number(head.headers.get("x-text-size"));
    expect(size).toBe(sim.world.getJob("hello").getBuild(3)?.log.length());
    expect(sim.stats.logBytesSpooled).toBe(size);
    const plain = await call(sim, "job/hello/3/logText/progressiveText?start=0", {
      headers: { accept: "multipart/form-data" },
    });
    expect(plain.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
  });
});

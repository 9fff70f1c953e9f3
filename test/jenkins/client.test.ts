import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { GrowingLog } from "../../simulator/logs.js";
import { Build } from "../../simulator/world.js";
import type { JenkinsAuth, JenkinsConfig } from "../../src/config.js";
import { HttpJenkinsClient } from "../../src/jenkins/client.js";
import type { ErrorSubject, JenkinsErrorKind } from "../../src/jenkins/errors.js";
import { parseJobPath } from "../../src/jenkins/paths.js";
import { failure } from "./failure.js";

const { admin, reader } = SIMULATOR_USERS;
const token = (user: typeof admin | typeof reader): JenkinsAuth => ({
  kind: "apiToken",
  user: user.id,
  token: user.apiToken,
});

function clientFor(url: string, auth: JenkinsAuth = token(admin), extra: Partial<JenkinsConfig> = {}) {
  return new HttpJenkinsClient({ url, auth, timeoutMs: 5000, tlsInsecure: false, proxy: {}, ...extra });
}

async function expectKind(promise: Promise<unknown>, kind: JenkinsErrorKind, message: RegExp): Promise<void> {
  const error = await failure(promise);
  expect(error.kind).toBe(kind);
  expect(error.message).toMatch(message);
  expect(error.message).not.toMatch(/<[a-z]|11aaaa|admin-password/i);
}

let sim: JenkinsSimulator;
let jenkins: HttpJenkinsClient;

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins", quietPeriodMs: 50, buildDurationMs: 100 });
  jenkins = clientFor(sim.url);
});

afterAll(async () => {
  await jenkins?.close();
  await sim?.close();
});

beforeEach(() => {
  sim.clearFaults();
  sim.clearRequests();
});

const posts = () => sim.requests.filter((request) => request.method === "POST");

describe("errors, each one actionable", () => {
  it("401: bad credentials", async () => {
    const client = clientFor(sim.url, { kind: "apiToken", user: "admin", token: "wrong" });
    await expectKind(client.getJob(["hello"]), "unauthorized", /rejected the credentials.*JENKINS_API_TOKEN/);
    await client.close();
  });

  it("403: a permission the user lacks, named as Jenkins names it", async () => {
    const client = clientFor(sim.url, token(reader));
    await expectKind(
      client.triggerBuild(["hello"], undefined),
      "forbidden",
      /User "reader" lacks the Job\/Build permission/,
    );
    await client.close();
  });

  it("403: anonymous access", async () => {
    const client = clientFor(sim.url, { kind: "anonymous" });
    await expectKind(client.getJob(["hello"]), "forbidden", /refused anonymous access.*JENKINS_USER/);
    await client.close();
  });

  it("404: which job or build", async () => {
    await expectKind(jenkins.getJob(["team", "nope"]), "notFound", /Job "team\/nope" was not found/);
    await expectKind(jenkins.getBuild(["hello"], 404), "notFound", /Build #404 of "hello" was not found/);
  });

  it.each<[ErrorSubject, () => Promise<unknown>, RegExp]>([
    ["job", () => jenkins.getJob(["team", "nope"]), /^Job "team\/nope" was not found \(404\)\.$/],
    [
      "build",
      () => jenkins.getBuild(["hello"], 404),
      /^Build #404 of "hello" was not found \(or the job does not exist\) \(404\)\.$/,
    ],
    [
      "notAFolder",
      () => jenkins.listJobs(["hello"], 0, 10),
      /^"hello" is a freestyle job, not a folder: it has no jobs to list\.$/,
    ],
    [
      "notAJob",
      () => jenkins.listBuilds(["team"], 5),
      /^"team" is a folder, which has no builds of its own\.$/,
    ],
    [
      "input",
      () => jenkins.answerInput(parseJobPath(SEED_JOBS.release), 1, "Nope", { action: "abort" }),
      /^Input "Nope" of .+ #1 is not waiting: it was answered already, or never existed \(404\)\.$/,
    ],
  ])("says what a %s failure is about, in Jenkins' terms only", async (subject, failing, message) => {
    const error = await failure(failing());
    expect(error.subject).toBe(subject);
    expect(error.message).toMatch(message);
  });

  it("400 with X-Error: Jenkins' own reason", async () => {
    await expectKind(
      jenkins.createJob(undefined, "hello", "<project/>"),
      "rejected",
      /creating job hello \(400\): A job already exists with the name/,
    );
  });

  it("409: a disabled job is not buildable", async () => {
    await expectKind(
      jenkins.triggerBuild([SEED_JOBS.disabled], undefined),
      "rejected",
      /\(409\).*not buildable/,
    );
  });

  it("5xx HTML: the title, never the page", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html500" });
    await expectKind(jenkins.getJob(["hello"]), "serverError", /Jenkins failed with 500.*try again/);
  });

  it("302 to a login page: an SSO proxy", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "sso-redirect" });
    await expectKind(jenkins.getJob(["hello"]), "ssoRedirect", /login page.*single sign-on proxy.*API token/);
  });

  it("a URL that is not Jenkins", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "no-x-jenkins" });
    await expectKind(jenkins.getJob(["hello"]), "notJenkins", /does not look like Jenkins.*path prefix/);
  });

  it("a base URL without its path prefix", async () => {
    const client = clientFor(sim.url.replace("/jenkins/", "/"));
    const error = await failure(client.getJob(["hello"]));
    expect(["notFound", "notJenkins"]).toContain(error.kind);
    await client.close();
  });

  it("connection refused", async () => {
    const client = clientFor("http://127.0.0.1:9/");
    await expectKind(client.getJob(["hello"]), "connectionRefused", /Cannot connect to 127\.0\.0\.1:9/);
    await client.close();
  });

  it("DNS failure", async () => {
    const client = clientFor("http://jenkins.invalid/");
    await expectKind(client.getJob(["hello"]), "dns", /Cannot resolve the host jenkins\.invalid/);
    await client.close();
  });

  it("a timeout", async () => {
    const client = clientFor(sim.url, token(admin), { timeoutMs: 300 });
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "hang" });
    await expectKind(client.getJob(["hello"]), "timeout", /did not answer within 300 ms.*JENKINS_TIMEOUT_MS/);
    await client.close();
  });

  it("TLS: an untrusted certificate, then trusted through JENKINS_CA_FILE", async () => {
    const dir = mkdtempSync(join(tmpdir(), "jenkins-mcp-tls-"));
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=127.0.0.1",
        "-addext",
        "subjectAltName=IP:127.0.0.1",
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    const server = createHttpsServer(
      { key: readFileSync(join(dir, "key.pem")), cert: readFileSync(join(dir, "cert.pem")) },
      (_request, response) => response.writeHead(200, { "x-jenkins": "2.541.1" }).end(),
    );
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const untrusted = clientFor(url);
      await expectKind(untrusted.serverInfo(), "tls", /TLS connection.*failed.*JENKINS_CA_FILE/);
      await untrusted.close();
      const trusted = clientFor(url, token(admin), { caFile: join(dir, "cert.pem") });
      expect(await trusted.serverInfo()).toEqual({ version: "2.541.1" });
      await trusted.close();
    } finally {
      server.close();
    }
  });
});

describe("writes are sent once", () => {
  it("a trigger whose answer times out is not sent again", async () => {
    const client = clientFor(sim.url, token(admin), { timeoutMs: 300 });
    sim.injectFault({
      match: { method: "POST", path: "/job/hello/build" },
      kind: "hang",
      afterHandling: true,
    });
    await expectKind(client.triggerBuild(["hello"], undefined), "timeout", /may have reached Jenkins/);
    expect(posts()).toHaveLength(1);
    await client.close();
  });

  it("a trigger answered with 503 is not sent again", async () => {
    sim.injectFault({ match: { method: "POST", path: "/job/hello/build" }, kind: "html503" });
    await expectKind(
      jenkins.triggerBuild(["hello"], undefined),
      "serverError",
      /check in Jenkins whether it took effect/,
    );
    expect(posts()).toHaveLength(1);
  });

  it("reads are retried on 502/503/504 and resets, a bounded number of times", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html502" });
    await expectKind(jenkins.getJob(["hello"]), "serverError", /502/);
    expect(sim.requests.filter((request) => request.path.endsWith("/job/hello/api/json"))).toHaveLength(3);
  });

  it("a read that a proxy timed out once (504) succeeds on its retry", async () => {
    sim.injectFault({ match: { path: "/job/hello/api/json" }, kind: "html504", times: 1 });
    expect((await jenkins.getJob(["hello"])).fullName).toBe("hello");
    expect(sim.requests.map((request) => request.status)).toEqual([504, 200]);
  });

  it("a trigger whose proxy timed out (504) after Jenkins queued it is not sent again", async () => {
    sim.injectFault({
      match: { method: "POST", path: "/job/hello/build" },
      kind: "html504",
      afterHandling: true,
    });
    await expectKind(
      jenkins.triggerBuild(["hello"], undefined),
      "serverError",
      /504.*check in Jenkins whether it took effect/,
    );
    expect(posts()).toHaveLength(1);
  });
});

describe("password login", () => {
  it("triggers through a crumb bound to its session cookie, and recovers once from a stale crumb", async () => {
    const client = clientFor(sim.url, { kind: "password", user: admin.id, password: admin.password });
    const first = await client.triggerBuild(["hello"], undefined);
    expect(first.queueItemId).toBeGreaterThan(0);
    const crumbPost = posts()[0];
    expect(crumbPost?.requestHeaders["jenkins-crumb"]).toBeTruthy();
    expect(crumbPost?.requestHeaders.cookie).toMatch(/^JSESSIONID\./);
    sim.expireCrumbs();
    sim.clearRequests();
    await client.triggerBuild(["hello"], undefined);
    // Refused for the stale crumb (Jenkins did nothing), a fresh crumb fetched, then sent once more.
    expect(posts().map((post) => post.status)).toEqual([403, 201]);
    expect(sim.requests.filter((request) => request.path.endsWith("crumbIssuer/api/json"))).toHaveLength(1);
    await client.close();
  });

  it("sends no crumb with an API token", async () => {
    await jenkins.triggerBuild(["hello"], undefined);
    expect(sim.requests.some((request) => request.path.includes("crumbIssuer"))).toBe(false);
  });
});

describe("paths", () => {
  it("refuses .. before any request is made", async () => {
    expect(() => parseJobPath("team/../../script")).toThrowError(/not allowed/);
    expect(sim.requests).toHaveLength(0);
  });

  it("addresses folders and branches under a path prefix", async () => {
    const { path, type } = await jenkins.resolveJob(["MB", "feature", "LOGIN"]);
    expect({ path, type }).toEqual({ path: ["mb", "feature%2Flogin"], type: "pipeline" });
    const job = await jenkins.getJob(path);
    expect(job.fullName).toBe("mb/feature%2Flogin");
    expect(
      sim.requests.some((request) => request.path === "/jenkins/job/mb/job/feature%252Flogin/api/json"),
    ).toBe(true);
  });

  it("learns an item's canonical name, whatever its spelling, with one small request remembered", async () => {
    const fresh = clientFor(sim.url);
    try {
      for (const spelling of [
        ["OPS", "Nightly"],
        ["opſ", "nıghtly"],
        ["ops", "nightly"],
      ]) {
        expect((await fresh.resolveJob(spelling)).path).toEqual(["ops", "nightly"]);
      }
      // Spellings Jenkins takes for one item are one key: the first request serves them all.
      expect(sim.requests.map((request) => request.query.get("tree"))).toEqual(["_class,fullName"]);
      expect(await fresh.resolveJob(["OPS", "NIGHTLY"])).toEqual({
        path: ["ops", "nightly"],
        type: "pipeline",
      });
      expect(sim.requests).toHaveLength(1);
      await expectKind(
        fresh.resolveJob(["ops", "nightlies"]),
        "notFound",
        /Job "ops\/nightlies" was not found/,
      );
    } finally {
      await fresh.close();
    }
  });

  it("asks only for the fields it uses", () => {
    return jenkins.getJob(["hello"]).then(() => {
      for (const request of sim.requests) expect(request.query.get("tree")).toBeTruthy();
    });
  });
});

describe("logs", () => {
  it("reads the last 64 KB of a 200 MB log moving well under 1 MB", async () => {
    const page = await jenkins.logTail({ path: [SEED_JOBS.bigLog], build: 1, lines: 640 });
    expect(page.lines).toHaveLength(640);
    expect(page.totalBytes).toBeGreaterThan(190_000_000);
    const moved = sim.requests.reduce((sum, request) => sum + request.responseBytes, 0);
    expect(moved).toBeLessThan(1024 * 1024);
  });

  it.each(["2.541.1", "2.520", "2.479.3"])(
    "reads tails and pages that join back to the exact log on Jenkins %s",
    async (version) => {
      const old = await JenkinsSimulator.start({ version, seed: false });
      const client = clientFor(old.url);
      const job = old.world.addJob("logs");
      /** A line as the build wrote it, and as a reader must show it: colours and console notes gone. */
      const logLine = fc.oneof(
        fc
          .string({ unit: "grapheme", maxLength: 30 })
          .map((text) => text.replace(/[\r\n]/g, " "))
          .map((text) => ({ written: text, shown: text })),
        fc.constantFrom(
          { written: "\u001b[31mred\u001b[0m", shown: "red" },
          { written: "\u001b[8mha:////4AAAAQ+LCAA==\u001b[0m[Pipeline] sh", shown: "[Pipeline] sh" },
          { written: "", shown: "" },
          { written: "x".repeat(300), shown: "x".repeat(300) },
        ),
      );
      try {
        await fc.assert(
          fc.asyncProperty(
            fc.array(logLine, { minLength: 1, maxLength: 60 }),
            fc.integer({ min: 1, max: 25 }),
            fc.boolean(),
            async (lines, pageSize, endsWithNewline) => {
              const text = lines.map((line) => line.written).join("\n") + (endsWithNewline ? "\n" : "");
              const build = new Build(
                job,
                job.nextBuildNumber++,
                old.world.allocateQueueId(),
                Date.now(),
                [],
                null,
              );
              build.log = new GrowingLog(text);
              build.result = "SUCCESS";
              job.builds.push(build);
              const shown = lines.map((line) => line.shown);
              // What follows the last newline is a line only when it is not empty.
              const expected = !endsWithNewline && lines.at(-1)?.written === "" ? shown.slice(0, -1) : shown;
              const read: string[] = [];
              let page = await client.logForward({
                path: ["logs"],
                build: build.number,
                position: { offset: 0, skipLines: 0 },
                lines: pageSize,
              });
              for (let guard = 0; guard < 100; guard++) {
                read.push(...page.lines);
                if (!page.hasMoreAfter) break;
                page = await client.logForward({
                  path: ["logs"],
                  build: build.number,
                  position: page.next,
                  lines: pageSize,
                });
              }
              expect(read).toEqual(expected);
              const tail = await client.logTail({ path: ["logs"], build: build.number, lines: pageSize });
              expect(tail.lines).toEqual(expected.slice(-pageSize));
            },
          ),
          { numRuns: 25 },
        );
      } finally {
        await client.close();
        await old.close();
      }
    },
  );
});

describe("corporate proxies", () => {
  it("reaches Jenkins through HTTP_PROXY, unless NO_PROXY names it", async () => {
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    proxy.on("connect", (request: IncomingMessage, socket: Socket) => {
      tunnels.push(String(request.url));
      const [host, port] = String(request.url).split(":");
      const upstream = connect(Number(port), host ?? "127.0.0.1", () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        upstream.pipe(socket).pipe(upstream);
      });
      upstream.on("error", () => socket.destroy());
      socket.on("error", () => upstream.destroy());
    });
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    try {
      const proxied = clientFor(sim.url, token(admin), { proxy: { httpProxy: proxyUrl } });
      expect((await proxied.getJob(["hello"])).name).toBe("hello");
      expect(tunnels).toEqual([new URL(sim.url).host]);
      await proxied.close();
      const bypassed = clientFor(sim.url, token(admin), {
        proxy: { httpProxy: proxyUrl, noProxy: "127.0.0.1" },
      });
      expect((await bypassed.getJob(["hello"])).name).toBe("hello");
      expect(tunnels).toHaveLength(1);
      await bypassed.close();
    } finally {
      proxy.close();
    }
  });
});

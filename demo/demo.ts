/**
 * `npm run demo`: starts the built-in Jenkins sandbox (the simulator the tests use, with its seeded
 * world), runs the real jenkins-mcp CLI against it and takes a short tour through a real MCP client,
 * printing each call and its answer. Then it says how to point Claude Desktop or the MCP Inspector
 * at the same sandbox, and keeps the sandbox up while a person is at the terminal.
 * `--http --oauth` adds a sandbox identity provider: the tour signs alice in through it, as the MCP
 * Inspector or Claude's connectors would.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { SIMULATOR_USERS } from "../simulator/auth.js";
import { SANDBOX_PEOPLE, SandboxIdentityProvider } from "../simulator/identity-provider.js";
import { JenkinsSimulator } from "../simulator/jenkins-simulator.js";
import { HeadlessOAuthClient, signIn } from "../simulator/sign-in.js";

// Compiled to dist-sandbox/demo/demo.js: the CLI is two levels up, in dist/.
const CLI = fileURLToPath(new URL("../../dist/cli.js", import.meta.url));
const SANDBOX_PORT = 8787;

const { values: flags } = parseArgs({
  options: {
    keep: { type: "boolean" },
    "no-keep": { type: "boolean" },
    port: { type: "string" },
    http: { type: "boolean" },
    oauth: { type: "boolean" },
    /** Two controllers of different Jenkins versions, one behind a path prefix, in one server. */
    controllers: { type: "boolean" },
  },
});
const HTTP_PORT = 8788;
const IDENTITY_PROVIDER_PORT = 8789;
/** Who the tour signs in as with --oauth: a release manager, who may consent to every scope. */
const TOUR_PERSON = "alice@example.com";
const keep = flags.keep ?? (!flags["no-keep"] && process.stdin.isTTY === true);

const out = (text = "") => process.stdout.write(`${text}\n`);
const bold = (text: string) => (process.stdout.isTTY ? `\u001b[1m${text}\u001b[0m` : text);

async function startSandbox(): Promise<JenkinsSimulator> {
  const port = Number(flags.port ?? SANDBOX_PORT);
  try {
    return await JenkinsSimulator.start({ port, quietPeriodMs: 1500, buildDurationMs: 2500 });
  } catch {
    // The fixed port is taken (another demo?): any free port will do.
    return JenkinsSimulator.start({ port: 0, quietPeriodMs: 1500, buildDurationMs: 2500 });
  }
}

/** With --controllers: the file naming both sandboxes, whose token the server reads from a variable. */
let controllersFile: string | undefined;

function serverEnv(url: string): Record<string, string> {
  const jenkins: Record<string, string> = controllersFile
    ? {
        JENKINS_MCP_CONTROLLERS: controllersFile,
        SANDBOX_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
        JENKINS_MCP_TOOLSETS: "all",
      }
    : {
        JENKINS_URL: url,
        JENKINS_USER: SIMULATOR_USERS.admin.id,
        JENKINS_API_TOKEN: SIMULATOR_USERS.admin.apiToken,
      };
  return { PATH: process.env.PATH ?? "", ...jenkins, LOG_LEVEL: "warn" };
}

/**
 * A second sandbox as another team's older controller (2.479.3, before the streaming log tail,
 * behind the path prefix /jenkins), and the controllers file that names both.
 */
async function startSecondController(first: JenkinsSimulator): Promise<JenkinsSimulator> {
  const legacy = await JenkinsSimulator.start({
    port: 0,
    version: "2.479.3",
    prefix: "/jenkins",
    quietPeriodMs: 60_000,
    buildDurationMs: 2500,
  });
  controllersFile = join(mkdtempSync(join(tmpdir(), "jenkins-mcp-demo-")), "controllers.yaml");
  const entry = (name: string, url: string) => [
    `  - name: ${name}`,
    `    url: ${url}`,
    `    user: ${SIMULATOR_USERS.admin.id}`,
    "    tokenEnv: SANDBOX_API_TOKEN",
  ];
  writeFileSync(
    controllersFile,
    ["controllers:", ...entry("prod", first.url), ...entry("legacy", legacy.url), ""].join("\n"),
  );
  return legacy;
}

/**
 * Signs the person in again when a call needs a scope their token lacks (403 insufficient_scope):
 * resolves once the new token is there, so the call can be made again.
 */
type StepUp = (error: unknown) => Promise<boolean>;

type Call = (
  name: string,
  args: Record<string, unknown>,
  note: string,
) => Promise<Record<string, unknown> | undefined>;

/** Makes a call, prints it and its answer, and answers its structured content. */
function caller(client: Client, stepUp: StepUp = async () => false): Call {
  return async (name: string, args: Record<string, unknown>, note: string) => {
    out();
    out(bold(`▶ ${note}`));
    out(`  ${name} ${JSON.stringify(args)}`);
    const send = () =>
      client.callTool(
        { name, arguments: args },
        { onprogress: (update) => out(`  … ${update.message ?? update.progress}`), timeout: 90_000 },
      );
    const result = await send().catch(async (error: unknown) => {
      if (!(await stepUp(error))) throw error;
      return send();
    });
    const text = (result.content as Array<{ type: string; text?: string }>)
      .filter((block) => block.type === "text")
      .map((block) => block.text)
      .join("\n");
    out(text.replace(/^/gm, result.isError ? "  ✗ " : "  │ "));
    return result.structuredContent as Record<string, unknown> | undefined;
  };
}

async function tour(client: Client, stepUp?: StepUp): Promise<void> {
  const call = caller(client, stepUp);
  await call("getJobs", {}, "What is on this Jenkins?");
  await call("getJob", { jobFullName: "team/backend/api" }, "What does team/backend/api take?");
  await call(
    "triggerBuild",
    { jobFullName: "team/backend/api", parameters: { BRANCH: "release", ENV: "production" } },
    "A mistake: a choice outside its choices is refused before anything is sent",
  );
  const build = await call(
    "triggerBuild",
    { jobFullName: "team/backend/api", parameters: { BRANCH: "main", ENV: "staging" }, waitFor: "finished" },
    "Trigger it with parameters and wait for the result",
  );
  await call(
    "getBuildLog",
    { jobFullName: "team/backend/api", buildNumber: build?.buildNumber ?? "lastBuild", limit: 8 },
    "Read the last lines of its log",
  );
  await call(
    "getBuildLog",
    { jobFullName: "big-log", limit: 3 },
    "The tail of a 200 MB log costs a few kilobytes",
  );
  await call(
    "getFailureSummary",
    { jobFullName: "diag/deploy-cleanup" },
    "Why did the deploy fail? Its error is 2,900 lines above the end of the log, under the cleanup",
  );
  const queued = await call(
    "triggerBuild",
    { jobFullName: "slow" },
    "Queue a build of a job with a long quiet period",
  );
  await call("cancelQueueItem", { queueItemId: queued?.queueItemId }, "Cancel it while it waits");
  await call(
    "createJob",
    {
      jobFullName: "team/nightly",
      pipelineScript: "pipeline { agent any; stages { stage('Test') { steps { sh 'make test' } } } }",
    },
    "Create a pipeline job",
  );
}

/** The tour of two controllers in one server: each named by the argument or in the job name. */
async function controllersTour(client: Client): Promise<void> {
  const call = caller(client);
  await call(
    "searchJobs",
    { query: "deploy api" },
    "Search both controllers at once: one ranking, each job named with its controller",
  );
  await call("getStatus", { controller: "legacy" }, "Ask one controller by name");
  await call(
    "getJob",
    { jobFullName: "team/backend/api" },
    "A job name alone is ambiguous here: the server asks which controller",
  );
  await call(
    "getBuildLog",
    { jobFullName: "legacy:team/backend/api", limit: 5 },
    "Or the job name says it: the tail of a log on the older controller",
  );
  const queued = await call("triggerBuild", { jobFullName: "legacy:slow" }, "Queue a build on legacy");
  await call("getQueue", {}, "Both queues in one list");
  await call("cancelQueueItem", { queueItemId: queued?.queueItemId, controller: "legacy" }, "Cancel it");
}

function printHowToConnect(url: string): void {
  if (controllersFile) {
    out();
    out(bold(`The controllers file is ${controllersFile}; serve it with:`));
    out(
      `  JENKINS_MCP_CONTROLLERS=${controllersFile} SANDBOX_API_TOKEN=${SIMULATOR_USERS.admin.apiToken} node ${CLI}`,
    );
    return;
  }
  const env = serverEnv(url);
  const config = {
    mcpServers: {
      "jenkins-sandbox": {
        command: "node",
        args: [CLI],
        env: {
          JENKINS_URL: env.JENKINS_URL,
          JENKINS_USER: env.JENKINS_USER,
          JENKINS_API_TOKEN: env.JENKINS_API_TOKEN,
        },
      },
    },
  };
  out();
  out(bold(`The sandbox Jenkins is at ${url} (user admin, API token ${SIMULATOR_USERS.admin.apiToken}).`));
  out("Point Claude Desktop (claude_desktop_config.json) or an IDE at it with:");
  out(JSON.stringify(config, null, 2));
  out();
  out("Or explore it with the MCP Inspector (Node 22 or later):");
  out(
    `  JENKINS_URL=${url} JENKINS_USER=admin JENKINS_API_TOKEN=${SIMULATOR_USERS.admin.apiToken} npx @modelcontextprotocol/inspector node ${CLI}`,
  );
}

/**
 * The real CLI as a shared HTTP service in front of the sandbox, with a fresh bearer token. Its log
 * (stderr) says where it listens.
 */
async function startHttp(
  sandboxUrl: string,
  port: number,
  issuer?: string,
): Promise<{ url: string; token: string; stop(): Promise<void> }> {
  const token = randomBytes(24).toString("hex");
  const env = {
    ...serverEnv(sandboxUrl),
    LOG_LEVEL: "info",
    MCP_TRANSPORT: "http",
    MCP_PORT: String(port),
    // With an identity provider, people sign in; the static token stays for scripts.
    MCP_AUTH_TOKEN: token,
    ...(issuer ? { MCP_OAUTH_ISSUER: issuer, JENKINS_MCP_POLICY: OAUTH_POLICY } : {}),
  };
  const child = spawn(process.execPath, [CLI], { env, stdio: ["ignore", "ignore", "pipe"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  const url = await new Promise<string | undefined>((resolve) => {
    createInterface({ input: child.stderr }).on("line", (line) => {
      const entry = JSON.parse(line) as { msg?: string; url?: string };
      if (entry.msg === "jenkins-mcp serving over HTTP") resolve(entry.url);
    });
    void exited.then(() => resolve(undefined));
  });
  if (!url) {
    // The fixed port is taken (another demo?): any free port will do.
    if (port !== 0) return startHttp(sandboxUrl, 0, issuer);
    throw new Error("jenkins-mcp did not start over HTTP");
  }
  return {
    url,
    token,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}

function printHowToConnectHttp(url: string, token: string): void {
  out();
  out(bold(`jenkins-mcp serves the sandbox over HTTP at ${url}`));
  out(`Send every request with the header  Authorization: Bearer ${token}`);
  out("For example, in VS Code (.vscode/mcp.json) or Cursor:");
  out(
    JSON.stringify(
      {
        servers: { "jenkins-sandbox": { type: "http", url, headers: { Authorization: `Bearer ${token}` } } },
      },
      null,
      2,
    ),
  );
  out();
  out("Or with the MCP Inspector (Node 22 or later): npx @modelcontextprotocol/inspector, transport");
  out(`Streamable HTTP, URL ${url}, header Authorization: Bearer ${token}`);
}

async function startIdentityProvider(): Promise<SandboxIdentityProvider> {
  try {
    return await SandboxIdentityProvider.start({ port: flags.port ? 0 : IDENTITY_PROVIDER_PORT });
  } catch {
    // The fixed port is taken (another demo?): any free port will do.
    return SandboxIdentityProvider.start();
  }
}

/** The sandbox's people and what the policy lets each do, by their groups. */
const OAUTH_POLICY = fileURLToPath(new URL("../../demo/oauth-policy.yaml", import.meta.url));

interface TourClient {
  client: Client;
  stepUp?: StepUp;
}

/** A client that signs alice in, stepping up to a write scope when a call needs it. */
async function signedInClient(url: string, idp: SandboxIdentityProvider): Promise<TourClient> {
  const oauth = new HeadlessOAuthClient(idp, TOUR_PERSON);
  const { client, transport } = await signIn(url, oauth);
  out(bold(`Signed in as ${TOUR_PERSON} at ${idp.issuer} (scopes: ${granted(oauth)})`));
  const stepUp = async (error: unknown) => {
    if (!(error instanceof UnauthorizedError)) return false;
    await oauth.finish(transport);
    out(`  ↻ the call needed another scope: ${TOUR_PERSON} consented, scopes now ${granted(oauth)}`);
    return true;
  };
  return { client, stepUp };
}

/** A client with the static token over HTTP, or the spawned CLI over stdio. */
async function plainClient(
  sandbox: JenkinsSimulator,
  http?: { url: string; token: string },
  second?: JenkinsSimulator,
): Promise<TourClient> {
  const client = new Client({ name: "jenkins-mcp-demo", version: "1.0.0" });
  if (http) {
    const headers = { authorization: `Bearer ${http.token}` };
    await client.connect(new StreamableHTTPClientTransport(new URL(http.url), { requestInit: { headers } }));
  } else {
    out(
      bold(
        second
          ? `Two Jenkins sandboxes started: prod ${sandbox.version} at ${sandbox.url}, legacy ${second.version} at ${second.url}; starting jenkins-mcp over stdio`
          : `Jenkins sandbox started at ${sandbox.url}; starting jenkins-mcp over stdio`,
      ),
    );
    await client.connect(
      new StdioClientTransport({ command: process.execPath, args: [CLI], env: serverEnv(sandbox.url) }),
    );
  }
  return { client };
}

function granted(oauth: HeadlessOAuthClient): string {
  const [, payload = ""] = oauth.accessToken.split(".");
  const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as { scope?: string };
  return claims.scope ?? "none";
}

function printHowToConnectOAuth(url: string, idp: SandboxIdentityProvider): void {
  out();
  out(bold(`jenkins-mcp serves the sandbox at ${url}; people sign in at ${idp.issuer}`));
  out("Connect the MCP Inspector (Node 22 or later) with OAuth:");
  out("  npx @modelcontextprotocol/inspector");
  out(`  Transport Streamable HTTP, URL ${url}, no header: connect, and the Inspector finds the`);
  out("  identity provider in the server's metadata, registers itself and opens the sign-in page.");
  out("  Pick a person there and allow the scopes asked for:");
  for (const person of Object.values(SANDBOX_PEOPLE)) {
    out(
      `    ${person.id}  groups ${person.groups.join(", ")}; may consent to ${person.mayConsent.join(" ")}`,
    );
  }
  out(`  Protected resource metadata: ${new URL("/.well-known/oauth-protected-resource/mcp", url)}`);
}

async function main(): Promise<void> {
  if (flags.oauth && !flags.http) throw new Error("--oauth goes with --http: sign-in is for HTTP clients");
  const sandbox = await startSandbox();
  const second = flags.controllers ? await startSecondController(sandbox) : undefined;
  const idp = flags.oauth ? await startIdentityProvider() : undefined;
  const http = flags.http ? await startHttp(sandbox.url, flags.port ? 0 : HTTP_PORT, idp?.issuer) : undefined;
  if (http) {
    out(bold(`Jenkins sandbox started at ${sandbox.url}; jenkins-mcp serves it over HTTP at ${http.url}`));
  }
  const { client, stepUp } =
    http && idp ? await signedInClient(http.url, idp) : await plainClient(sandbox, http, second);
  try {
    await (second ? controllersTour(client) : tour(client, stepUp));
  } finally {
    await client.close();
  }
  if (http && idp) printHowToConnectOAuth(http.url, idp);
  else if (http) printHowToConnectHttp(http.url, http.token);
  else printHowToConnect(sandbox.url);
  if (keep) {
    out();
    out(bold(`The sandbox keeps running: press Ctrl-C to stop it.`));
    await new Promise<void>((resolve) => process.once("SIGINT", resolve));
  }
  await http?.stop();
  await idp?.close();
  await Promise.all([sandbox.close(), second?.close()]);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${(error as Error)?.stack ?? String(error)}\n`);
  process.exitCode = 1;
});

#!/usr/bin/env node
// Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against the built server
// over HTTP, once per spec revision the server speaks, each against its expected-failures file in
// conformance/. Needs `npm run build` first (npm run conformance does it) and Node >= 22 for the
// suite: CONFORMANCE_NODE names that binary, otherwise .ci/node24.sh installs Node 24.
//
// The server runs on loopback without tokens (the suite sends none) and never reaches Jenkins: the
// suite exercises the MCP layer only. Results go to .ci/reports/conformance/.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REVISIONS = ["2025-11-25", "2026-07-28"];
const SUITE = join(ROOT, "node_modules", "@modelcontextprotocol", "conformance", "dist", "index.js");
const RESULTS = join(ROOT, ".ci", "reports", "conformance");
const STARTUP_MS = 15_000;

function suiteNode() {
  if (process.env.CONFORMANCE_NODE) return process.env.CONFORMANCE_NODE;
  const bin = execFileSync("bash", [join(ROOT, ".ci", "node24.sh")], { encoding: "utf8" }).trim();
  return join(bin, "node");
}

/** Starts dist/cli.js over HTTP on a free port; resolves with its MCP URL once it logs it. */
function startServer() {
  const child = spawn(
    process.execPath,
    [join(ROOT, "dist", "cli.js"), "--transport", "http", "--port", "0"],
    {
      env: { PATH: process.env.PATH ?? "", JENKINS_URL: "http://127.0.0.1:9/", LOG_LEVEL: "info" },
      stdio: ["ignore", "inherit", "pipe"],
    },
  );
  const log = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error("the server did not start")), STARTUP_MS);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      process.stderr.write(log.join("\n"));
      reject(error);
    };
    child.once("exit", (code) => fail(new Error(`the server exited with ${code}`)));
    createInterface({ input: child.stderr }).on("line", (line) => {
      log.push(line);
      const url = /"msg":"jenkins-mcp serving over HTTP"/.test(line) ? JSON.parse(line).url : undefined;
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ child, url });
    });
  });
}

function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}

/**
 * The suite's own "N passed, M failed" lines are reworded so that CI, which reads such a line as the
 * test count, only ever sees the one from the unit tests.
 */
function reword(line) {
  return line.replace(/(\d+) passed, (\d+) failed/g, "passed $1, failed $2");
}

function runSuite(node, revision, url) {
  const args = [
    SUITE,
    "server",
    "--url",
    url,
    "--requirements",
    revision,
    "--expected-failures",
    join(ROOT, "conformance", `expected-failures.${revision}.yaml`),
    "--output-dir",
    join(RESULTS, revision),
  ];
  return new Promise((resolve) => {
    const child = spawn(node, args, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => process.stdout.write(`${reword(line)}\n`));
    }
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

const node = suiteNode();
mkdirSync(RESULTS, { recursive: true });
const { child, url } = await startServer();
const outcomes = [];
try {
  for (const revision of REVISIONS) {
    process.stdout.write(`::: conformance ${revision} against ${url}\n`);
    outcomes.push({ revision, code: await runSuite(node, revision, url) });
  }
} finally {
  await stopServer(child);
}
for (const { revision, code } of outcomes) {
  process.stdout.write(`::: conformance ${revision}: ${code === 0 ? "as expected" : "UNEXPECTED RESULTS"}\n`);
}
process.exit(outcomes.every(({ code }) => code === 0) ? 0 : 1);

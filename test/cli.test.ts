import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { CLI, cliEnv, connectStdio } from "./e2e/harness.js";

const run = promisify(execFile);
/** Read here, not through src/version.ts, which the CLI itself uses to answer --version. */
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  version: string;
};

/** The CLI as a host starts it: flags, configuration errors, and a Jenkins that is down. */
describe("jenkins-mcp CLI", () => {
  it("prints its version and help", async () => {
    expect((await run(process.execPath, [CLI, "--version"])).stdout.trim()).toBe(version);
    const help = (await run(process.execPath, [CLI, "--help"])).stdout;
    expect(help).toContain("JENKINS_URL");
    expect(help).toContain("--jenkins-url");
  });

  it("stops with exit code 2 and one sentence on stderr when a setting is wrong", async () => {
    const child = spawn(process.execPath, [CLI], { env: { PATH: process.env.PATH, JENKINS_URL: "ftp://x" } });
    let stderr = "";
    let stdout = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(2);
    expect(stderr.trim()).toBe("jenkins-mcp: JENKINS_URL must start with http:// or https://");
    expect(stdout).toBe("");
  });

  it("starts while Jenkins is down and says why on the first call", async () => {
    const session = await connectStdio(cliEnv("http://127.0.0.1:9/"));
    try {
      const answer = await session.call("getJob", { jobFullName: "hello" });
      expect(answer.isError).toBe(true);
      expect(answer.text).toMatch(/Cannot connect to 127\.0\.0\.1:9 \(connection refused\).*JENKINS_URL/);
    } finally {
      await session.close();
    }
  });
});

describe("tool selection from the command line", () => {
  it("lists no tool that changes Jenkins in read-only mode", async () => {
    const session = await connectStdio({ ...cliEnv("http://127.0.0.1:9/"), JENKINS_MCP_READ_ONLY: "true" });
    try {
      const tools = await session.toolNames();
      expect(tools).toEqual(expect.arrayContaining(["getJob", "getJobs", "getBuild", "getBuildLog"]));
      for (const writer of ["triggerBuild", "cancelQueueItem", "createJob"])
        expect(tools).not.toContain(writer);
    } finally {
      await session.close();
    }
  });

  it("stops at start when --tools names a tool that does not exist", async () => {
    const child = spawn(process.execPath, [CLI, "--tools", "getJob,getJobz"], {
      env: { PATH: process.env.PATH, JENKINS_URL: "http://127.0.0.1:9/" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    expect(await new Promise((resolve) => child.on("close", resolve))).toBe(2);
    expect(stderr).toMatch(/names unknown getJobz; valid: getJob/);
  });
});

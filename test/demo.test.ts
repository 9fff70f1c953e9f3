import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TSC = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url));

/** `npm run demo` is one of the README's two commands: its tour must keep working. */
describe("npm run demo", () => {
  beforeAll(async () => {
    await run(process.execPath, [TSC, "-p", "tsconfig.sandbox.json"], { cwd: ROOT });
  }, 120_000);

  it.each([[[]], [["--http"]], [["--http", "--oauth"]]])(
    "tours the sandbox %j and says how to connect",
    async (flags) => {
      const { stdout } = await run(
        process.execPath,
        ["dist-sandbox/demo/demo.js", "--no-keep", "--port", "0", ...flags],
        {
          cwd: ROOT,
          timeout: 90_000,
        },
      );
      expect(stdout).toContain("finished: SUCCESS with BRANCH=main, ENV=staging");
      expect(stdout).toMatch(/Line 002000000: ERROR/);
      expect(stdout).toMatch(
        /Stage "Deploy" FAILED, step .*kubectl apply -f k8s\/[\s\S]*error: unable to recognize "k8s\/deploy.yaml"/,
      );
      expect(stdout).toMatch(/Cancelled queue item \d+ \(slow\)/);
      expect(stdout).toContain("Created pipeline job team/nightly");
      expect(stdout).toContain(
        flags.includes("--oauth")
          ? "/.well-known/oauth-protected-resource/mcp"
          : flags.length
            ? "Authorization: Bearer "
            : '"JENKINS_API_TOKEN"',
      );
      if (flags.includes("--oauth")) {
        expect(stdout).toMatch(
          /Signed in as alice@example.com at http:\/\/127.0.0.1:\d+ \(scopes: jenkins:read\)/,
        );
        expect(stdout).toContain("the call needed another scope: alice@example.com consented");
      }
      expect(stdout).not.toContain("✗ Unexpected");
    },
    120_000,
  );

  it("tours two controllers in one server with --controllers", async () => {
    const { stdout } = await run(
      process.execPath,
      ["dist-sandbox/demo/demo.js", "--no-keep", "--port", "0", "--controllers"],
      { cwd: ROOT, timeout: 90_000 },
    );
    expect(stdout).toMatch(/prod 2\.541\.1 at .*, legacy 2\.479\.3 at http:\/\/127\.0\.0\.1:\d+\/jenkins\//);
    expect(stdout).toMatch(/- prod:team\/backend\/deploy-api .*\n.*- legacy:team\/backend\/deploy-api/);
    expect(stdout).toContain("[controller legacy] Jenkins 2.479.3");
    expect(stdout).toContain("✗ Say which Jenkins controller: this server has prod, legacy.");
    expect(stdout).toContain("[controller legacy] team/backend/api #");
    expect(stdout).toMatch(/- \[legacy\] Queue item (\d+) \(slow\)[\s\S]*Cancelled queue item \1 \(slow\)/);
    expect(stdout).toContain("JENKINS_MCP_CONTROLLERS=");
    expect(stdout).not.toContain("✗ Unexpected");
  }, 120_000);
});

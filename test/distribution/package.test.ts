import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installTarball, type PackedProject, packProject } from "../../scripts/package-install.mjs";
import { SETTINGS } from "../../src/config.js";
import { cliEnv, connectStdio } from "../e2e/harness.js";
import { listToolNames, packageJson, pathWithThisNode, ROOT, requireBuild, run, SLOW_MS } from "./support.js";

/**
 * What users get from npm is what is tested: the project packed by `npm pack`, the tarball installed
 * into an empty project, and the installed `jenkins-mcp` command started through its bin link.
 */
let work: string;
let packed: PackedProject;
let bin: string;

beforeAll(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), "jenkins-mcp-pack-"));
  packed = packProject(ROOT, work);
  const app = join(work, "app");
  mkdirSync(app);
  installTarball(ROOT, packed.tarball, app);
  bin = join(app, "node_modules", ".bin", process.platform === "win32" ? "jenkins-mcp.cmd" : "jenkins-mcp");
}, SLOW_MS);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const nodePath = () => ({ PATH: pathWithThisNode() });

describe("the npm package", () => {
  it("ships the compiled server and nothing else: no tests, demo, sources, maps or sandbox", () => {
    expect(packed).toMatchObject({ name: packageJson.name, version: packageJson.version });
    expect(packed.files).toContain("dist/cli.js");
    const extra = packed.files.filter(
      (file) =>
        !["package.json", "README.md", "LICENSE"].includes(file) && !/^dist\/[\w/.-]+\.js$/.test(file),
    );
    expect(extra, "files outside dist/**/*.js").toEqual([]);
  });

  it("holds only Latin-1 text in its modules, which V8 keeps at one byte a character", () => {
    const modules = readdirSync(join(ROOT, "dist")).filter((file) => file.endsWith(".js"));
    expect(modules).toContain("cli.js");
    const wide = modules.filter((file) =>
      /[^\u0000-\u00ff]/u.test(readFileSync(join(ROOT, "dist", file), "utf8")),
    );
    expect(wide, "modules with a character outside Latin-1 (scripts/build.mjs replaces them)").toEqual([]);
  });

  it("installs a jenkins-mcp command that prints its version", async () => {
    const { stdout } = await run(bin, ["--version"], { env: nodePath() });
    expect(stdout.trim()).toBe(packageJson.version);
  });

  it("documents every setting in --help: each flag beside its environment variable", async () => {
    const { stdout } = await run(bin, ["--help"], { env: nodePath() });
    expect(stdout).toContain("a flag wins over its environment variable");
    const rows = stdout.split("\n");
    for (const { env, flag } of SETTINGS) {
      const columns = flag ? `--${flag}\\s+${env}` : env;
      expect(
        rows.some((line) => new RegExp(`^\\s+${columns}\\s`).test(line)),
        columns,
      ).toBe(true);
    }
  });

  it("serves the same tools over stdio as the built server", async () => {
    const installed = await listToolNames(bin, [], { ...cliEnv("http://127.0.0.1:9/"), ...nodePath() });
    const session = await connectStdio(cliEnv("http://127.0.0.1:9/"));
    try {
      expect(installed).toEqual(await session.toolNames());
    } finally {
      await session.close();
    }
    expect(installed).toContain("getJob");
  });
});

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
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
let app: string;

beforeAll(() => {
  requireBuild();
  work = mkdtempSync(join(tmpdir(), "jenkins-mcp-pack-"));
  packed = packProject(ROOT, work);
  app = join(work, "app");
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
        !["package.json", "README.md", "LICENSE", "dist/THIRD_PARTY_NOTICES.md"].includes(file) &&
        !/^dist\/[\w/.-]+\.js$/.test(file),
    );
    expect(extra, "files outside dist/**/*.js").toEqual([]);
  });

  it("is one package: installing it fetches nothing else", () => {
    const installed = readdirSync(join(app, "node_modules")).filter((name) => !name.startsWith("."));
    expect(installed).toEqual([packageJson.name]);
    const manifest = JSON.parse(
      readFileSync(join(app, "node_modules", packageJson.name, "package.json"), "utf8"),
    );
    expect(manifest.dependencies ?? {}).toEqual({});
  });

  it("carries the licence of every package its bundle holds, as the source maps name them", () => {
    const notices = readFileSync(
      join(app, "node_modules", packageJson.name, "dist", "THIRD_PARTY_NOTICES.md"),
      "utf8",
    );
    const bundled = new Set<string>();
    for (const map of readdirSync(join(ROOT, "dist")).filter((file) => file.endsWith(".js.map"))) {
      const { sources } = JSON.parse(readFileSync(join(ROOT, "dist", map), "utf8")) as { sources: string[] };
      for (const source of sources) {
        const dir = /^(?:\.\.\/)*(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];
        // A package's own maps may name its monorepo's internal sources (the SDK's core-internal),
        // which ship inside that package, under its licence.
        if (dir && existsSync(join(ROOT, dir, "package.json"))) bundled.add(dir);
      }
    }
    expect(bundled).toContain("node_modules/@modelcontextprotocol/server");
    expect(bundled).toContain("node_modules/undici");
    for (const dir of bundled) {
      const pkg = JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8"));
      expect(notices, dir).toContain(`## ${pkg.name} ${pkg.version} (`);
      const licence = readdirSync(join(ROOT, dir)).find((file) => /^licen[cs]e/i.test(file));
      if (licence) {
        expect(notices, dir).toContain(readFileSync(join(ROOT, dir, licence), "utf8").trim());
      } else {
        expect(notices, dir).toContain(`declares the licence ${pkg.license}`);
      }
    }
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  JenkinsSimulator,
  SEED_JOBS,
  SIMULATOR_USERS,
  SUREFIRE_SUMMARY_LINES,
} from "../../simulator/jenkins-simulator.js";

/**
 * Archived artifacts as hudson.model.Run exports them (Run.Artifact: relativePath, fileName,
 * displayPath; no length) and serves them (Run.doArtifact, DirectoryBrowserSupport.serveFile).
 */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;
const BUILD = "job/diag/job/maven-compile/3/";

let sim: JenkinsSimulator;

function get(path: string): Promise<Response> {
  return fetch(new URL(path, sim.url), { headers: { authorization: AUTHORIZATION } });
}

beforeAll(async () => {
  sim = await JenkinsSimulator.start({ prefix: "/jenkins" });
});

afterAll(async () => {
  await sim?.close();
});

describe("build artifacts", () => {
  it("exports relativePath, fileName and displayPath, and no size", async () => {
    const response = await get(`${BUILD}api/json?tree=artifacts[*]`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      _class: "hudson.model.FreeStyleBuild",
      artifacts: [
        {
          displayPath: "summary.txt",
          fileName: "summary.txt",
          relativePath: "target/surefire-reports/summary.txt",
        },
        { displayPath: "app.jar", fileName: "app.jar", relativePath: "target/app.jar" },
      ],
    });
  });

  it("cuts the list with a range, and builds without artifacts export an empty list", async () => {
    const cut = await get(`${BUILD}api/json?tree=artifacts[relativePath]{0,1}`);
    expect(((await cut.json()) as { artifacts: unknown[] }).artifacts).toHaveLength(1);
    const none = await get(`job/diag/job/maven-compile/4/api/json?tree=artifacts[relativePath]`);
    expect(await none.json()).toEqual({ _class: "hudson.model.FreeStyleBuild", artifacts: [] });
  });

  it("serves a text artifact with its length and a text type", async () => {
    const response = await get(`${BUILD}artifact/target/surefire-reports/summary.txt`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    const text = await response.text();
    expect(response.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    const lines = text.split("\n");
    expect(lines).toHaveLength(SUREFIRE_SUMMARY_LINES + 1);
    expect(lines.at(-2)).toBe("BUILD SUCCESS");
  });

  it("serves a binary artifact by its type", async () => {
    const response = await get(`${BUILD}artifact/target/app.jar`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/java-archive");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2).toString("latin1")).toBe("PK");
    expect(bytes.includes(0)).toBe(true);
  });

  it("answers a missing artifact with the 404 page", async () => {
    const response = await get(`${BUILD}artifact/target/nothing.txt`);
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("Not Found");
  });

  it("seeds the artifacts on a build of its own, the others keep none", () => {
    const job = sim.world.getJob(SEED_JOBS.mavenCompile);
    expect(job.builds.map((build) => build.artifacts.length)).toEqual([0, 0, 2, 0]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DEPLOY_CLEANUP_REMOVED_FILES,
  MAVEN_COMPILE_ARCHIVED_FILES,
  PARALLEL_TEST_BRANCHES,
} from "../../simulator/failure-logs.js";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";

/** The seeded builds that failed the way real ones do: the decisive error, then a long tail of noise. */

const { admin } = SIMULATOR_USERS;
const AUTH = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;

/** Timestamper's GlobalDecorator prefix. */
const TIMESTAMP = /^\[\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z\] /;

/** The failing jobs of diag/ tested here have three successful builds, then the failed #4. */
const FAILED_BUILD = 4;

interface StageJson {
  name: string;
  status: string;
  error?: { message: string; type: string };
}

interface RunJson {
  status: string;
  stages: StageJson[];
}

interface BuildJson {
  number: number;
  result: string;
}

function jobPath(fullName: string): string {
  return fullName
    .split("/")
    .map((name) => `job/${encodeURIComponent(name)}/`)
    .join("");
}

describe("seeded failures (default world)", () => {
  let sim: JenkinsSimulator;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });

  afterAll(async () => {
    await sim.close();
  });

  async function get(path: string): Promise<Response> {
    const res = await fetch(new URL(path, sim.url), { headers: { authorization: AUTH } });
    expect(res.status).toBe(200);
    return res;
  }

  /** consoleText of a build, as lines without their LF. */
  async function consoleLines(fullName: string, build: number): Promise<string[]> {
    const text = await (await get(`${jobPath(fullName)}${build}/consoleText`)).text();
    expect(text.endsWith("\n")).toBe(true);
    return text.slice(0, -1).split("\n");
  }

  /** The lines with Timestamper's prefix removed, after checking every line has it. */
  function untimestamped(lines: readonly string[]): string[] {
    const bare = lines.filter((line) => !TIMESTAMP.test(line));
    expect(bare).toEqual([]);
    return lines.map((line) => line.replace(TIMESTAMP, ""));
  }

  async function describeRun(fullName: string): Promise<RunJson> {
    return (await (await get(`${jobPath(fullName)}${FAILED_BUILD}/wfapi/describe`)).json()) as RunJson;
  }

  it.each([SEED_JOBS.deployCleanup, SEED_JOBS.parallelTests, SEED_JOBS.mavenCompile])(
    "%s failed after three successful builds",
    async (fullName) => {
      const job = (await (await get(`${jobPath(fullName)}api/json?tree=builds[number,result]`)).json()) as {
        builds: BuildJson[];
      };
      expect(job.builds).toEqual([
        { _class: expect.any(String), number: 4, result: "FAILURE" },
        { _class: expect.any(String), number: 3, result: "SUCCESS" },
        { _class: expect.any(String), number: 2, result: "SUCCESS" },
        { _class: expect.any(String), number: 1, result: "SUCCESS" },
      ]);
    },
  );

  describe(SEED_JOBS.deployCleanup, () => {
    it("logs the kubectl error in Deploy, then about 3,000 lines of post actions, all timestamped", async () => {
      const lines = untimestamped(await consoleLines(SEED_JOBS.deployCleanup, FAILED_BUILD));
      const deploy = lines.indexOf("[Pipeline] { (Deploy)");
      const error = lines.indexOf(
        'error: unable to recognize "k8s/deploy.yaml": no matches for kind "Deployment" in version "apps/v1beta1"',
      );
      const post = lines.indexOf("[Pipeline] { (Declarative: Post Actions)");
      const end = lines.indexOf("[Pipeline] End of Pipeline");
      expect(deploy).toBeGreaterThan(0);
      expect(lines.slice(deploy + 1, error)).toEqual([
        "[Pipeline] sh",
        "+ kubectl apply -f k8s/",
        expect.any(String),
        expect.any(String),
      ]);
      expect(lines.slice(error + 1, post)).toEqual([
        "[Pipeline] }",
        "[Pipeline] // stage",
        "[Pipeline] stage",
      ]);
      expect(end - post).toBeGreaterThan(DEPLOY_CLEANUP_REMOVED_FILES);
      expect(lines.slice(post, end)).toEqual(
        expect.arrayContaining(["Archiving artifacts", "Recording test results", "[Pipeline] emailext"]),
      );
      expect(lines.slice(end)).toEqual([
        "[Pipeline] End of Pipeline",
        "ERROR: script returned exit code 1",
        "Finished: FAILURE",
      ]);
      expect(lines.filter((line) => line.startsWith("error:"))).toHaveLength(1);
    });

    it("records the failed Deploy stage for the stage view", async () => {
      const run = await describeRun(SEED_JOBS.deployCleanup);
      expect(run.status).toBe("FAILED");
      expect(run.stages.map(({ name, status }) => `${name}: ${status}`)).toEqual([
        "Declarative: Checkout SCM: SUCCESS",
        "Build: SUCCESS",
        "Deploy: FAILED",
        "Declarative: Post Actions: SUCCESS",
      ]);
      expect(run.stages[2]?.error).toEqual({
        message: "script returned exit code 1",
        type: "hudson.AbortException",
      });
    });

    it("logs a short, timestamped success before", async () => {
      const lines = untimestamped(await consoleLines(SEED_JOBS.deployCleanup, FAILED_BUILD - 1));
      expect(lines).toContain("deployment.apps/api configured");
      expect(lines.length).toBeLessThan(200);
      expect(lines.at(-1)).toBe("Finished: SUCCESS");
    });
  });

  describe(SEED_JOBS.parallelTests, () => {
    it("interleaves three branches in Test, where only integration fails, all timestamped", async () => {
      const lines = untimestamped(await consoleLines(SEED_JOBS.parallelTests, FAILED_BUILD));
      const parallel = lines.indexOf("[Pipeline] parallel");
      expect(lines.slice(parallel + 1, parallel + 4)).toEqual(
        PARALLEL_TEST_BRANCHES.map((branch) => `[Pipeline] { (Branch: ${branch})`),
      );
      const unit = lines.indexOf("+ ./mvnw -B test");
      expect(lines.slice(unit, unit + 3)).toEqual([
        "+ ./mvnw -B test",
        "+ ./mvnw -B verify -DskipUnitTests",
        "+ npx playwright test --reporter=line",
      ]);
      const summary = lines.indexOf("[ERROR] Tests run: 12, Failures: 1, Errors: 0, Skipped: 0");
      const failure = lines.indexOf("[ERROR]   FooIT.shouldBar:42 expected:<200> but was:<503>");
      expect(failure).toBeGreaterThan(unit);
      expect(summary).toBeGreaterThan(failure);
      expect(lines).toContain("[INFO] Tests run: 240, Failures: 0, Errors: 0, Skipped: 2");
      expect(lines).toContain("  24 passed (1.3m)");
      expect(lines.filter((line) => line.startsWith("Failed in branch"))).toEqual([
        "Failed in branch integration",
      ]);
      expect(lines).toContain('Stage "Deploy" skipped due to earlier failure(s)');
      expect(lines.slice(-3)).toEqual([
        "[Pipeline] End of Pipeline",
        "ERROR: script returned exit code 1",
        "Finished: FAILURE",
      ]);
    });

    it("records the failed Test stage for the stage view", async () => {
      const run = await describeRun(SEED_JOBS.parallelTests);
      expect(run.stages.find((stage) => stage.name === "Test")).toMatchObject({
        status: "FAILED",
        error: { message: "script returned exit code 1" },
      });
      expect(run.stages.find((stage) => stage.name === "Deploy")?.status).toBe("NOT_EXECUTED");
    });
  });

  describe(SEED_JOBS.mavenCompile, () => {
    it("logs the compile error, marks the step failed, then about 2,000 lines of post-build steps", async () => {
      const lines = await consoleLines(SEED_JOBS.mavenCompile, FAILED_BUILD);
      expect(lines.filter((line) => TIMESTAMP.test(line))).toEqual([]);
      const compilation = lines.indexOf("[ERROR] COMPILATION ERROR : ");
      const source =
        "/var/jenkins_home/workspace/diag/maven-compile/src/main/java/com/acme/Api.java:[42,17] cannot find symbol";
      expect(lines.slice(compilation + 2, compilation + 4)).toEqual([
        `[ERROR] ${source}`,
        "  symbol:   method fooBar()",
      ]);
      const goal = lines.findIndex((line) =>
        line.startsWith(
          "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.11.0:compile ",
        ),
      );
      expect(lines.slice(goal + 1, goal + 3)).toEqual([
        `[ERROR] ${source}`,
        "[ERROR]   symbol:   method fooBar()",
      ]);
      const marked = lines.indexOf("Build step 'Invoke top-level Maven targets' marked build as failure");
      expect(marked).toBeGreaterThan(goal);
      expect(lines.length - marked).toBeGreaterThan(MAVEN_COMPILE_ARCHIVED_FILES);
      expect(lines.slice(-3)).toEqual([
        "Archiving artifacts",
        "Sending e-mails to: shop-team@acme.example",
        "Finished: FAILURE",
      ]);
    });

    it("logged a Maven success before", async () => {
      const lines = await consoleLines(SEED_JOBS.mavenCompile, FAILED_BUILD - 1);
      expect(lines).toContain("[INFO] BUILD SUCCESS");
      expect(lines.at(-1)).toBe("Finished: SUCCESS");
    });
  });
});

import { describe, expect, it } from "vitest";
import type { Commit } from "../../../src/jenkins/changes.js";
import { callTool } from "../call-tool.js";
import { type FakeBuild, FakeJenkins } from "../fake-jenkins.js";

/** getBuildChanges' logic, in process: where the changes start, the caps, refusals and masking. */

function commit(build: number, index: number, message = `change ${index} of #${build}`): Commit {
  const id = `${index.toString(16)}${build.toString(16).padStart(3, "0")}`.padEnd(40, "0");
  return {
    id,
    shortId: id.slice(0, 7),
    author: "alice",
    authorEmail: "alice@example.com",
    time: "2026-03-04T05:06:07.000Z",
    message,
    files: 2,
    moreFiles: false,
  };
}

function builds(results: Array<string | null>, commitsEach: number): FakeBuild[] {
  return results.map((result, index) => ({
    number: index + 1,
    result,
    commits: Array.from({ length: commitsEach }, (_, i) => commit(index + 1, i)),
    culprits: ["alice"],
  }));
}

describe("getBuildChanges", () => {
  it("starts after the last success and lists builds newest first", async () => {
    const jenkins = new FakeJenkins([
      {
        fullName: "team/api",
        type: "pipeline",
        builds: builds(["SUCCESS", "SUCCESS", "FAILURE", "UNSTABLE"], 1),
      },
    ]);
    const answer = await callTool(jenkins, "getBuildChanges", { jobFullName: "team/api" });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject({
      buildNumber: 4,
      sinceBuild: 2,
      culprits: ["alice"],
      omittedBuilds: null,
      omittedCommits: 0,
    });
    expect(
      (answer.structured?.builds as Array<{ number: number }> | undefined)?.map((build) => build.number),
    ).toEqual([4, 3]);
    expect(answer.text.split("\n")).toEqual([
      "team/api #4: changes since #2, the last success; 2 builds, 2 commits listed.",
      "#4 UNSTABLE:",
      "- 0004000 alice 2026-03-04T05:06Z change 0 of #4 (2 files)",
      "#3 FAILURE:",
      "- 0003000 alice 2026-03-04T05:06Z change 0 of #3 (2 files)",
      "Culprits (Jenkins): alice.",
    ]);
  });

  it("caps at 20 builds and 50 commits, naming what it left out, and says when no build succeeded", async () => {
    const jenkins = new FakeJenkins([
      { fullName: "team/api", type: "pipeline", builds: builds(Array(30).fill("FAILURE"), 3) },
    ]);
    const answer = await callTool(jenkins, "getBuildChanges", { jobFullName: "team/api" });
    const structured = answer.structured ?? {};
    const listed = structured.builds as Array<{ number: number; commits: unknown[] }>;
    expect(listed).toHaveLength(20);
    expect(listed.map((build) => build.commits.length).reduce((a, b) => a + b)).toBe(50);
    expect(structured).toMatchObject({
      sinceBuild: null,
      omittedBuilds: { from: 1, to: 10 },
      omittedCommits: 10,
    });
    expect(answer.text).toMatch(
      /^team\/api #30: no earlier success found, changes from #1; 20 builds, 50 commits listed\./,
    );
    expect(answer.text).toContain("\n#14 FAILURE (1 commit not shown):\n");
    expect(answer.text).toContain("\n#13 FAILURE: 3 commits not shown\n");
    expect(answer.text).toContain("\n…and 10 more commits not shown.\n");
    expect(answer.text).toContain(
      "\nBuilds #1 to #10 are left out: ask again with sinceBuild 10 for them.\n",
    );
  });

  it("reads from sinceBuild when given, without looking for the last success", async () => {
    const jenkins = new FakeJenkins([
      { fullName: "team/api", type: "pipeline", builds: builds(["SUCCESS", "FAILURE", "FAILURE"], 1) },
    ]);
    const answer = await callTool(jenkins, "getBuildChanges", {
      jobFullName: "team/api",
      buildNumber: 3,
      sinceBuild: "1",
    });
    expect(answer.structured).toMatchObject({ sinceBuild: 1 });
    expect(jenkins.calls).not.toContain("buildStreak");
  });

  it("refuses a sinceBuild that is not lower than buildNumber, before asking Jenkins", async () => {
    const jenkins = new FakeJenkins([
      { fullName: "team/api", type: "pipeline", builds: builds(["SUCCESS"], 1) },
    ]);
    const answer = await callTool(jenkins, "getBuildChanges", {
      jobFullName: "team/api",
      buildNumber: 5,
      sinceBuild: 5,
    });
    expect(answer.isError).toBe(true);
    expect(answer.text).toBe(
      "sinceBuild (5) must be lower than buildNumber (5): the changes are read from the build after sinceBuild up to buildNumber.",
    );
    expect(jenkins.calls).toEqual([]);
  });

  it("refuses a sinceBuild not below the build a permalink names", async () => {
    const jenkins = new FakeJenkins([
      { fullName: "team/api", type: "pipeline", builds: builds(["SUCCESS", "FAILURE"], 1) },
    ]);
    const answer = await callTool(jenkins, "getBuildChanges", { jobFullName: "team/api", sinceBuild: 7 });
    expect(answer.text).toMatch(/^sinceBuild \(7\) must be lower than buildNumber \(2\)/);
    expect(jenkins.calls).not.toContain("buildChanges");
  });

  it("masks credentials in commit messages", async () => {
    const history = builds(["SUCCESS", "FAILURE"], 0);
    history[1] = {
      ...history[1],
      number: 2,
      result: "FAILURE",
      commits: [commit(2, 0, "Use AKIAIOSFODNN7EXAMPLE for the bucket")],
    };
    const jenkins = new FakeJenkins([{ fullName: "team/api", type: "pipeline", builds: history }]);
    const answer = await callTool(jenkins, "getBuildChanges", { jobFullName: "team/api" });
    expect(answer.text).not.toContain("AKIAIOSFODNN7EXAMPLE");
    expect(JSON.stringify(answer.structured)).not.toContain("AKIAIOSFODNN7EXAMPLE");
  });
});

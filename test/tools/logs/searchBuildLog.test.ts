import { describe, expect, it } from "vitest";
import { callTool } from "../call-tool.js";
import { FakeJenkins } from "../fake-jenkins.js";

/** searchBuildLog's answers, in process: secrets that builds print are masked in matches and context. */

const GITHUB_TOKEN = "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";

function search(log: string[], args: Record<string, unknown>) {
  const jenkins = new FakeJenkins([
    { fullName: "team/api", type: "pipeline", builds: [{ number: 4, result: "FAILURE", log }] },
  ]);
  return callTool(jenkins, "searchBuildLog", { jobFullName: "team/api", ...args });
}

const LOG = [
  "Started by user admin",
  "export TOKEN=abc123secret",
  "ERROR: upload failed for https://bot:p4ssw0rd@repo.example.com/x",
  `retrying with ${GITHUB_TOKEN}`,
  "Finished: FAILURE",
];

describe("searchBuildLog masks secrets", () => {
  it.each([
    {
      what: "in the matching line and its context",
      args: { pattern: "ERROR", contextLines: 1 },
      matches: [
        {
          lineNumber: 3,
          line: "ERROR: upload failed for https://bot:****@repo.example.com/x",
          before: ["export TOKEN=****"],
          after: ["retrying with ****"],
        },
      ],
    },
    {
      what: "in a line found by the secret itself",
      args: { pattern: "ghp_", contextLines: 0 },
      matches: [{ lineNumber: 4, line: "retrying with ****", before: [], after: [] }],
    },
    {
      what: "in every line a regex finds",
      args: { pattern: "TOKEN|p4ss", useRegex: true, contextLines: 0 },
      matches: [
        { lineNumber: 2, line: "export TOKEN=****", before: [], after: [] },
        {
          lineNumber: 3,
          line: "ERROR: upload failed for https://bot:****@repo.example.com/x",
          before: [],
          after: [],
        },
      ],
    },
  ])("$what", async ({ args, matches }) => {
    const answer = await search(LOG, args);
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toEqual({
      jobFullName: "team/api",
      buildNumber: 4,
      matches,
      scannedLines: 5,
      complete: true,
      stoppedBy: null,
    });
    // The header repeats the pattern: the values are what must not show.
    expect(answer.text).not.toMatch(/abc123secret|p4ssw0rd|A1b2C3d4/);
  });

  // Cut to its window before masking, the line showed "…ssword=Tr0ub4dor-x9": the name was cut off.
  it("in a long line whose shown window starts inside the secret's name", async () => {
    const command = `+ ./deploy.sh ${"--module=core ".repeat(70)}--password=Tr0ub4dor-x9 ${"--verbose ".repeat(8)}ERROR: unauthorized ${"--retry ".repeat(60)}`;
    const answer = await search([command], { pattern: "ERROR" });
    expect(answer.text).not.toContain("Tr0ub4dor-x9");
  });
});

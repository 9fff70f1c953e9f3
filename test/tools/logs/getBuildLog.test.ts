import { describe, expect, it } from "vitest";
import { callTool } from "../call-tool.js";
import { FakeJenkins } from "../fake-jenkins.js";

/** getBuildLog's arguments and cursors, in process: what it refuses before reading, and what it reads. */

function jenkins(): FakeJenkins {
  return new FakeJenkins([
    {
      fullName: "team/api",
      type: "pipeline",
      builds: [
        { number: 2, result: "SUCCESS", log: ["Finished: SUCCESS"] },
        {
          number: 3,
          result: "FAILURE",
          log: [
            "Started by user admin",
            "+ ./gradlew build",
            "login password=hunter2 ok",
            "BUILD FAILED",
            "Finished: FAILURE",
          ],
        },
      ],
    },
    { fullName: "hello", type: "freestyle", builds: [{ number: 3, result: "SUCCESS", log: ["hi"] }] },
  ]);
}

/** The cursor the tool gives out after the first two lines of team/api #3. */
const first = await callTool(jenkins(), "getBuildLog", {
  jobFullName: "team/api",
  buildNumber: 3,
  skip: 0,
  limit: 2,
});
const cursor = String(first.structured?.nextCursor);

/** The cursor with some of its fields changed, as a client that edits it would send it. */
function tampered(changes: Record<string, unknown>): string {
  const fields: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  return Buffer.from(JSON.stringify({ ...(fields as object), ...changes })).toString("base64url");
}

const NOT_OURS =
  /^cursor is not one this server gave out: pass nextCursor from an earlier getBuildLog answer unchanged\.$/;

describe("getBuildLog refuses, reading no log", () => {
  it.each([
    {
      what: "limit 0",
      args: { jobFullName: "team/api", limit: 0 },
      refusal: /^limit must not be 0: ask for 1 to 5000 lines\.$/,
      calls: [],
    },
    {
      what: "skip with a cursor",
      args: { jobFullName: "team/api", skip: 2, cursor },
      refusal: /^Give either skip or cursor, not both: the cursor already says where to continue\.$/,
      calls: [],
    },
    {
      what: "a negative limit with skip",
      args: { jobFullName: "team/api", limit: -5, skip: 10 },
      refusal: /^A negative limit reads the last lines; it cannot be combined with skip or cursor\.$/,
      calls: [],
    },
    {
      what: "a negative limit with a cursor",
      args: { jobFullName: "team/api", limit: -5, cursor },
      refusal: /^A negative limit reads the last lines; it cannot be combined with skip or cursor\.$/,
      calls: [],
    },
    {
      what: "a cursor that is not one",
      args: { jobFullName: "team/api", cursor: "garbage" },
      refusal: NOT_OURS,
      calls: [],
    },
    {
      what: "a cursor cut short",
      args: { jobFullName: "team/api", cursor: cursor.slice(0, 12) },
      refusal: NOT_OURS,
      calls: [],
    },
    {
      what: "a cursor whose offset was made negative",
      args: { jobFullName: "team/api", cursor: tampered({ o: -1 }) },
      refusal: NOT_OURS,
      calls: [],
    },
    {
      what: "a cursor whose build number was made 0",
      args: { jobFullName: "team/api", cursor: tampered({ n: 0 }) },
      refusal: NOT_OURS,
      calls: [],
    },
    {
      what: "a cursor whose job was made a number",
      args: { jobFullName: "team/api", cursor: tampered({ j: 42 }) },
      refusal: NOT_OURS,
      calls: [],
    },
    {
      what: "a cursor of another job",
      args: { jobFullName: "hello", cursor },
      refusal:
        /^This cursor belongs to team\/api #3; ask for that build, or drop the cursor to start reading this one\.$/,
      calls: ["resolveJob"],
    },
    {
      what: "a cursor of another build of the job",
      args: { jobFullName: "team/api", buildNumber: 2, cursor },
      refusal: /^This cursor belongs to team\/api #3;/,
      calls: ["resolveJob"],
    },
    {
      what: "a cursor rewritten to name a job other than the one asked for",
      args: { jobFullName: "team/api", cursor: tampered({ j: "ops/deploy-prod" }) },
      refusal: /^This cursor belongs to ops\/deploy-prod #3;/,
      calls: ["resolveJob"],
    },
  ])("$what", async ({ args, refusal, calls }) => {
    const fake = jenkins();
    const answer = await callTool(fake, "getBuildLog", args);
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.text).toMatch(refusal);
    expect(fake.calls).toEqual(calls);
  });
});

describe("getBuildLog reads", () => {
  it("gives out a cursor after the first lines of a longer log", () => {
    expect(first.structured).toMatchObject({
      text: "Started by user admin\n+ ./gradlew build",
      lineCount: 2,
      hasMoreBefore: false,
      hasMoreAfter: true,
    });
    expect(cursor).toMatch(/^[\w-]+$/);
  });

  it.each([
    {
      what: "the last lines by default, with no cursor once the log is finished",
      args: { jobFullName: "team/api", buildNumber: 3, limit: 2 },
      answer: { text: "BUILD FAILED\nFinished: FAILURE", hasMoreBefore: true, nextCursor: null },
      calls: ["resolveJob", "buildNumber", "logTail"],
    },
    {
      what: "on from the cursor, of the build it names, secrets masked",
      args: { jobFullName: "team/api", cursor },
      answer: {
        buildNumber: 3,
        text: "login password=**** ok\nBUILD FAILED\nFinished: FAILURE",
        lineCount: 3,
        hasMoreAfter: false,
        nextCursor: null,
      },
      calls: ["resolveJob", "logForward"],
    },
  ])("$what", async ({ args, answer: expected, calls }) => {
    const fake = jenkins();
    const answer = await callTool(fake, "getBuildLog", args);
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject(expected);
    expect(answer.text).not.toContain("hunter2");
    expect(fake.calls).toEqual(calls);
  });
});

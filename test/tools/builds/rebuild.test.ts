import { describe, expect, it } from "vitest";
import { Guard } from "../../../src/guard/guard.js";
import { parsePolicy } from "../../../src/guard/policy.js";
import { callTool } from "../call-tool.js";
import { FakeJenkins, parameter } from "../fake-jenkins.js";

/** rebuild in process: which old values it sends again, which it asks for, and triggerBuild's guardrails. */

function jenkins(): FakeJenkins {
  return new FakeJenkins([
    {
      fullName: "team/api",
      type: "pipeline",
      parameters: [
        parameter("BRANCH", "string"),
        parameter("DEPLOY", "boolean"),
        parameter("DB_KEY", "string"),
      ],
      builds: [
        {
          number: 7,
          result: "FAILURE",
          parameters: [
            { name: "BRANCH", value: "main", password: false },
            { name: "DEPLOY", value: true, password: false },
            // Secret-looking: sent again as it was, masked in the answer.
            { name: "DB_KEY", value: "k3y-value", password: false },
            // Removed from the job since: not sent, and said so.
            { name: "OLD_FLAG", value: "x", password: false },
          ],
        },
        // A file parameter: api/json exports no value that could be sent back.
        { number: 8, result: "SUCCESS", parameters: [{ name: "BRANCH", value: null, password: false }] },
      ],
    },
  ]);
}

describe("rebuild", () => {
  it("sends the old values the job still defines, the given ones over them, and names the dropped", async () => {
    const fake = jenkins();
    const answer = await callTool(fake, "rebuild", {
      jobFullName: "team/api",
      buildNumber: 7,
      parameters: { DEPLOY: "no" },
    });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toMatchObject({
      rebuildOf: 7,
      dropped: ["OLD_FLAG"],
      parameters: { BRANCH: "main", DEPLOY: "false", DB_KEY: "****" },
    });
    expect(answer.text).toBe(
      "Rebuild of team/api #7: Queued team/api with BRANCH=main, DEPLOY=false, DB_KEY=**** as queue item 101 (https://jenkins.example/queue/item/101/). Not sent, as the job no longer defines them: OLD_FLAG.",
    );
    expect(fake.triggers).toEqual([
      { job: "team/api", parameters: "BRANCH=main&DEPLOY=false&DB_KEY=k3y-value" },
    ]);
  });

  it("asks for a value Jenkins did not export, and sends it once given", async () => {
    const fake = jenkins();
    const refused = await callTool(fake, "rebuild", { jobFullName: "team/api", buildNumber: 8 });
    expect(refused.text).toBe(
      "team/api #8 ran with BRANCH, whose value Jenkins does not give back; ask the person for it and pass it in parameters. Nothing was triggered.",
    );
    const given = await callTool(fake, "rebuild", {
      jobFullName: "team/api",
      buildNumber: 8,
      parameters: { BRANCH: "main" },
    });
    expect(given.isError, given.text).toBe(false);
    expect(fake.triggers).toEqual([{ job: "team/api", parameters: "BRANCH=main" }]);
  });

  it("shares triggerBuild's rate cap", async () => {
    const fake = jenkins();
    const guard = new Guard(
      parsePolicy(
        'rules: [{name: one-a-minute, clients: ["*"], jobs: ["**"], allow: [read, trigger], triggersPerMinute: 1}]',
      ),
      undefined,
    );
    expect((await callTool(fake, "triggerBuild", { jobFullName: "team/api" }, guard)).isError).toBe(false);
    const answer = await callTool(fake, "rebuild", { jobFullName: "team/api", buildNumber: 7 }, guard);
    expect(answer.text).toMatch(/^Refused by policy: rule "one-a-minute" allows stdio 1 triggers a minute/);
    expect(fake.triggers).toHaveLength(1);
  });

  it("needs read as well as trigger: the old values are read data", async () => {
    const fake = jenkins();
    const guard = new Guard(
      parsePolicy('rules: [{name: blind, clients: ["*"], jobs: ["**"], allow: [trigger]}]'),
      undefined,
    );
    const answer = await callTool(fake, "rebuild", { jobFullName: "team/api", buildNumber: 7 }, guard);
    expect(answer.text).toMatch(/^Refused by policy: no policy rule allows client "stdio" to read team\/api/);
    expect(fake.calls).not.toContain("buildParameters");
    expect(fake.triggers).toEqual([]);
  });
});

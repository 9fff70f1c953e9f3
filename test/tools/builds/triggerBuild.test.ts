import { describe, expect, it } from "vitest";
import { Guard } from "../../../src/guard/guard.js";
import { parsePolicy } from "../../../src/guard/policy.js";
import { callTool } from "../call-tool.js";
import { FakeJenkins, parameter } from "../fake-jenkins.js";

/** triggerBuild's checks, in process: what it refuses before any POST, and what it sends and shows. */

/** A fresh Jenkins per call, so that each row sees only its own triggers. */
function jenkins(): FakeJenkins {
  return new FakeJenkins([
    {
      fullName: "team/api",
      type: "pipeline",
      parameters: [
        parameter("BRANCH", "string"),
        parameter("DEPLOY", "boolean"),
        parameter("ENV", "choice", ["dev", "staging", "prod"]),
        // Masked for its type, though its name does not look secret.
        parameter("ADMIN_PASS", "password"),
        // Masked for its name, though Jenkins types it as a plain string.
        parameter("SIGNING_KEY", "string"),
      ],
    },
    { fullName: "hello", type: "freestyle" },
    { fullName: "team", type: "folder" },
    { fullName: "mb", type: "multibranch" },
    { fullName: "disabled-job", type: "freestyle", buildable: false },
  ]);
}

describe("triggerBuild refuses, sending nothing", () => {
  it.each([
    {
      what: "an unknown parameter, naming the job's parameters",
      args: { jobFullName: "team/api", parameters: { BRANCHH: "main" } },
      refusal:
        /^team\/api has no parameter "BRANCHH"; its parameters are: BRANCH, DEPLOY, ENV, ADMIN_PASS, SIGNING_KEY\.$/,
    },
    {
      what: "parameters for a job that takes none",
      args: { jobFullName: "hello", parameters: { X: 1 } },
      refusal: /^hello takes no parameters; leave parameters out\.$/,
    },
    {
      what: "a word that is not a boolean",
      args: { jobFullName: "team/api", parameters: { DEPLOY: "maybe" } },
      refusal: /^Parameter DEPLOY is a boolean: give true or false, not "maybe"\.$/,
    },
    {
      what: "a number other than 1 or 0 for a boolean",
      args: { jobFullName: "team/api", parameters: { DEPLOY: 2 } },
      refusal: /^Parameter DEPLOY is a boolean: give true or false, not 2\.$/,
    },
    {
      what: "an empty boolean",
      args: { jobFullName: "team/api", parameters: { DEPLOY: "" } },
      refusal: /^Parameter DEPLOY is a boolean: give true or false, not ""\.$/,
    },
    {
      what: "a value outside the choices, naming them",
      args: { jobFullName: "team/api", parameters: { ENV: "production" } },
      refusal: /^Parameter ENV must be one of "dev", "staging", "prod"; got "production"\.$/,
    },
    {
      what: "a choice in another case (Jenkins compares choices exactly)",
      args: { jobFullName: "team/api", parameters: { ENV: "Prod" } },
      refusal: /^Parameter ENV must be one of "dev", "staging", "prod"; got "Prod"\.$/,
    },
    {
      what: "a folder",
      args: { jobFullName: "team" },
      refusal:
        /^team is a folder, not a job: trigger one of the jobs inside it \(list them with getJobs\)\.$/,
    },
    {
      what: "a multibranch project",
      args: { jobFullName: "mb" },
      refusal: /^mb is a multibranch project, not a job: trigger one of the jobs inside it/,
    },
    {
      what: "a disabled job",
      args: { jobFullName: "disabled-job" },
      refusal:
        /^disabled-job is disabled, so Jenkins will not build it; a Jenkins user must enable it first\.$/,
    },
  ])("$what", async ({ args, refusal }) => {
    const fake = jenkins();
    const answer = await callTool(fake, "triggerBuild", args);
    expect(answer.isError, answer.text).toBe(true);
    expect(answer.text).toMatch(refusal);
    expect(fake.calls).toEqual(["resolveJob", "getJob"]);
    expect(fake.triggers).toEqual([]);
  });

  it("a job the policy lets the client read but not trigger, before asking Jenkins anything", async () => {
    const fake = jenkins();
    const readOnly = parsePolicy('rules: [{name: readers, clients: ["*"], jobs: ["**"], allow: [read]}]');
    const answer = await callTool(
      fake,
      "triggerBuild",
      { jobFullName: "team/api", parameters: { BRANCH: "main" } },
      new Guard(readOnly, undefined),
    );
    expect(answer.isError).toBe(true);
    expect(answer.text).toMatch(
      /^Refused by policy: no policy rule allows client "stdio" to trigger team\/api/,
    );
    expect(fake.calls).toEqual([]);
  });
});

describe("triggerBuild sends the parameters as Jenkins expects them", () => {
  it.each([
    ...["true", "yes", "on", "1", "TRUE", " Yes ", "On"].map((word) => ({ given: word, sent: "true" })),
    ...["false", "no", "off", "0", "FALSE", "No", " off"].map((word) => ({ given: word, sent: "false" })),
    { given: true, sent: "true" },
    { given: false, sent: "false" },
    { given: 1, sent: "true" },
    { given: 0, sent: "false" },
  ])("boolean $given as $sent", async ({ given, sent }) => {
    const fake = jenkins();
    const answer = await callTool(fake, "triggerBuild", {
      jobFullName: "team/api",
      parameters: { DEPLOY: given },
    });
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured?.parameters).toEqual({ DEPLOY: sent });
    expect(fake.triggers).toEqual([{ job: "team/api", parameters: `DEPLOY=${sent}` }]);
  });

  it.each([
    {
      what: "a choice among the choices, and a number as text",
      args: { jobFullName: "team/api", parameters: { ENV: "staging", BRANCH: 42 } },
      shown: { ENV: "staging", BRANCH: "42" },
      sent: "ENV=staging&BRANCH=42",
    },
    {
      what: "no parameters to a job that has some: its defaults, through buildWithParameters",
      args: { jobFullName: "team/api" },
      shown: {},
      sent: "",
    },
    {
      what: "no parameters to a job that has none, through /build",
      args: { jobFullName: "hello" },
      shown: {},
      sent: undefined,
    },
    {
      what: "secrets to Jenkins as given, masked in the answer: password type or secret-looking name",
      args: {
        jobFullName: "team/api",
        parameters: { BRANCH: "main", ADMIN_PASS: "hunter2", SIGNING_KEY: "k3y-value" },
      },
      shown: { BRANCH: "main", ADMIN_PASS: "****", SIGNING_KEY: "****" },
      sent: "BRANCH=main&ADMIN_PASS=hunter2&SIGNING_KEY=k3y-value",
    },
  ])("$what", async ({ args, shown, sent }) => {
    const fake = jenkins();
    const answer = await callTool(fake, "triggerBuild", args);
    expect(answer.isError, answer.text).toBe(false);
    expect(answer.structured).toEqual({
      jobFullName: args.jobFullName,
      queueItemId: 101,
      queueUrl: "https://jenkins.example/queue/item/101/",
      state: "queued",
      parameters: shown,
    });
    expect(answer.text).not.toMatch(/hunter2|k3y-value/);
    expect(fake.triggers).toEqual([{ job: args.jobFullName, parameters: sent }]);
  });
});

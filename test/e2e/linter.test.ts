import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * validatePipeline, and createJob's check of a pipelineScript, end to end over stdio and HTTP,
 * against the simulator's declarative linter (ModelConverterAction's validateJenkinsfile).
 */
const LINTER = "/pipeline-model-converter/validateJenkinsfile";
const VALID =
  "pipeline {\n  agent any\n  stages {\n    stage('Build') {\n      steps { sh 'make' }\n    }\n  }\n}\n";
const BROKEN = "pipeline {\n  stages {\n    stage('Build') {\n      sh 'make'\n    }\n  }\n}\n";

describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let bare: JenkinsSimulator;
  let session: Session;
  let restricted: Session;
  let withoutLinter: Session;
  const posts = () =>
    sim.requests.filter((request) => request.method === "POST").map((request) => request.path);

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    bare = await JenkinsSimulator.start({ declarativeLinter: false });
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: teamReadsPolicy() } });
    withoutLinter = await openSession(transport, bare.url);
  });

  afterAll(async () => {
    await session?.close();
    await restricted?.close();
    await withoutLinter?.close();
    await sim?.close();
    await bare?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  describe("validatePipeline", () => {
    it("says a valid declarative pipeline is valid, from one POST", async () => {
      const answer = await session.call("validatePipeline", { script: VALID });
      expect(expectOk(answer)).toEqual({ result: "valid", errors: [], hasMore: false });
      expect(answer.text).toBe("The declarative pipeline is valid.");
      expect(posts()).toEqual([LINTER]);
    });

    it("gives each error with its line and column", async () => {
      const answer = await session.call("validatePipeline", { script: BROKEN });
      expect(expectOk(answer)).toEqual({
        result: "invalid",
        errors: [
          { message: 'Missing required section "agent"', line: 1, column: 1 },
          {
            message: 'Expected one of "steps", "stages", or "parallel" for stage "Build"',
            line: 3,
            column: 5,
          },
          {
            message:
              'Unknown stage section "sh". Starting with version 0.5, steps in a stage must be in a \u2018steps\u2019 block.',
            line: 4,
            column: 7,
          },
        ],
        hasMore: false,
      });
      expect(answer.text.split("\n")).toEqual([
        "The declarative pipeline has 3 errors:",
        '- line 1, column 1: Missing required section "agent"',
        '- line 3, column 5: Expected one of "steps", "stages", or "parallel" for stage "Build"',
        expect.stringMatching(/^- line 4, column 7: Unknown stage section "sh"\./),
      ]);
    });

    it("says a scripted pipeline is not for the linter, without echoing it", async () => {
      const answer = await session.call("validatePipeline", { script: "node { sh 'make' }" });
      expect(expectOk(answer)).toEqual({ result: "notDeclarative", errors: [], hasMore: false });
      expect(answer.text).not.toContain("sh 'make'");
    });

    it("refuses an empty script before sending anything", async () => {
      const answer = await session.call("validatePipeline", { script: "" });
      expect(answer.isError).toBe(true);
      expect(sim.requests).toEqual([]);
    });

    it("names no job, so a policy that hides jobs does not refuse it", async () => {
      expect(expectOk(await restricted.call("validatePipeline", { script: VALID })).result).toBe("valid");
    });

    it("says when Jenkins has no declarative linter", async () => {
      const answer = await withoutLinter.call("validatePipeline", { script: VALID });
      expectOneSentence(
        answer,
        /^Jenkins has no declarative linter at pipeline-model-converter\/: the Pipeline: Declarative plugin \(pipeline-model-definition\) is not installed \(404\)\.$/,
      );
    });

    it("explains a Jenkins failure in one sentence", async () => {
      sim.injectFault({ match: { path: LINTER }, kind: "html500" });
      const answer = await session.call("validatePipeline", { script: VALID });
      expectOneSentence(
        answer,
        /^Jenkins failed with 500\b.* while validating the pipeline with Jenkins' declarative linter/,
      );
    });
  });

  describe("createJob with pipelineScript", () => {
    it("refuses a script the linter refuses, with its errors, creating nothing", async () => {
      const answer = await session.call("createJob", {
        jobFullName: `lint-${transport}`,
        pipelineScript: BROKEN,
      });
      expectOneSentence(
        answer,
        /^Jenkins' declarative linter refused pipelineScript, so no job was created: line 1, column 1: Missing required section "agent"; line 3, column 5: .*; line 4, column 7: Unknown stage section "sh"/,
      );
      expect(posts()).toEqual([LINTER]);
    });

    it("creates a job from a valid script, and says it was checked", async () => {
      const answer = await session.call("createJob", {
        jobFullName: `linted-${transport}`,
        pipelineScript: VALID,
      });
      expect(expectOk(answer)).toMatchObject({ type: "pipeline", scriptCheck: "valid" });
      expect(posts()).toEqual([LINTER, "/createItem"]);
    });

    it("creates a scripted pipeline, which the linter cannot check", async () => {
      const answer = await session.call("createJob", {
        jobFullName: `scripted-${transport}`,
        pipelineScript: "node { sh 'make' }",
      });
      expect(expectOk(answer)).toMatchObject({ scriptCheck: "notDeclarative" });
    });

    it("goes on without a linter, and says the script was not checked", async () => {
      const answer = await withoutLinter.call("createJob", {
        jobFullName: `unlinted-${transport}`,
        pipelineScript: VALID,
      });
      expect(expectOk(answer)).toMatchObject({ scriptCheck: "noLinter" });
      expect(answer.text).toMatch(/\(the script was not checked: Jenkins has no declarative linter\)$/);
    });
  });
});

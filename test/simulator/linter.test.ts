import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";
import { lintDeclarative } from "../../simulator/linter.js";

/** The declarative linter of pipeline-model-definition's ModelConverterAction, and its messages. */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;

const VALID = `pipeline {
  agent any
  stages {
    stage('Build') {
      steps { sh 'make' }
    }
  }
}`;

describe("lintDeclarative", () => {
  it("passes a complete declarative pipeline, comments and strings with braces included", () => {
    expect(lintDeclarative(VALID)).toEqual([]);
    expect(lintDeclarative(`// a } in a comment\n${VALID.replace("make", "echo '}{'")}`)).toEqual([]);
  });

  it("says a script without a pipeline block is not declarative", () => {
    expect(lintDeclarative("node { sh 'make' }")).toBeNull();
  });

  it("reports each missing or unknown section where it is, in the order of the script", () => {
    const script = `pipeline {
  stages {
    stage('Build') {
      sh 'make'
    }
  }
  frobnicate { }
}`;
    expect(lintDeclarative(script)).toEqual([
      'Missing required section "agent" @ line 1, column 1.',
      'Expected one of "steps", "stages", or "parallel" for stage "Build" @ line 3, column 5.',
      'Unknown stage section "sh". Starting with version 0.5, steps in a stage must be in a \u2018steps\u2019 block. @ line 4, column 7.',
      'Undefined section "frobnicate" @ line 7, column 3.',
    ]);
  });

  it("stops at an unbalanced brace with Groovy's own message", () => {
    expect(lintDeclarative("pipeline {\n  agent any\n")).toEqual([
      "expecting '}', found '' @ line 3, column 1.",
    ]);
    expect(lintDeclarative("pipeline { agent any }\n}")).toEqual(["unexpected token: } @ line 2, column 1."]);
  });
});

describe("POST /pipeline-model-converter/validateJenkinsfile", () => {
  let sim: JenkinsSimulator;
  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });
  afterAll(() => sim?.close());

  async function lint(body: string, method = "POST") {
    const response = await fetch(`${sim.url}pipeline-model-converter/validateJenkinsfile`, {
      method,
      headers: { authorization: AUTHORIZATION, "content-type": "application/x-www-form-urlencoded" },
      ...(method === "POST" ? { body } : {}),
    });
    return {
      status: response.status,
      type: response.headers.get("content-type"),
      text: await response.text(),
    };
  }

  it("answers success inside Stapler's okJSON envelope", async () => {
    const answer = await lint(new URLSearchParams({ jenkinsfile: VALID }).toString());
    expect(answer.status).toBe(200);
    expect(answer.type).toMatch(/^application\/json/);
    expect(JSON.parse(answer.text)).toEqual({ status: "ok", data: { result: "success" } });
  });

  it("keeps status ok on a failure; one error is a string, several an array on one object", async () => {
    const one = await lint(new URLSearchParams({ jenkinsfile: "pipeline { agent any }" }).toString());
    expect(JSON.parse(one.text)).toEqual({
      status: "ok",
      data: {
        result: "failure",
        errors: [{ error: 'Missing required section "stages" @ line 1, column 1.' }],
      },
    });
    const two = await lint(new URLSearchParams({ jenkinsfile: "pipeline { }" }).toString());
    expect(JSON.parse(two.text).data.errors).toEqual([
      {
        error: [
          'Missing required section "agent" @ line 1, column 1.',
          'Missing required section "stages" @ line 1, column 1.',
        ],
      },
    ]);
  });

  it("names a missing field and a script that is not declarative", async () => {
    expect(JSON.parse((await lint("")).text).data.errors).toEqual([
      { error: "No content found for 'jenkinsfile' parameter" },
    ]);
    const scripted = await lint(new URLSearchParams({ jenkinsfile: "node { }" }).toString());
    expect(JSON.parse(scripted.text).data.errors).toEqual([
      { error: "Jenkinsfile content 'node { }' did not contain the 'pipeline' step" },
    ]);
  });

  it("requires POST", async () => {
    expect((await lint("", "GET")).status).toBe(405);
  });

  it("answers 404 when the plugin is not installed", async () => {
    const bare = await JenkinsSimulator.start({ declarativeLinter: false, seed: false });
    try {
      const response = await fetch(`${bare.url}pipeline-model-converter/validateJenkinsfile`, {
        method: "POST",
        headers: { authorization: AUTHORIZATION },
      });
      expect(response.status).toBe(404);
    } finally {
      await bare.close();
    }
  });
});

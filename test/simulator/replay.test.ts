import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";

/** workflow-cps's ReplayAction: the replay page's form, `replay/run`, and who may use them. */
const BUILD = "job/mb/job/main/1/";

function basic(user: { id: string; apiToken: string }): string {
  return `Basic ${Buffer.from(`${user.id}:${user.apiToken}`).toString("base64")}`;
}

describe("replay in the simulator", () => {
  let sim: JenkinsSimulator;
  beforeAll(async () => {
    sim = await JenkinsSimulator.start({ quietPeriodMs: 10, buildDurationMs: 20 });
  });
  afterAll(() => sim?.close());

  it("shows the script it ran in the form's _.mainScript textarea, HTML-escaped", async () => {
    const response = await fetch(`${sim.url}${BUILD}replay/`, {
      headers: { authorization: basic(SIMULATOR_USERS.admin) },
    });
    const html = await response.text();
    expect(response.status).toBe(200);
    expect(html).toMatch(/<textarea name="_\.mainScript"[^>]*>pipeline \{\n {2}agent any/);
    expect(html).toContain("stage(&#39;Build&#39;)");
  });

  it("answers 404 to a user who may neither replay nor build", async () => {
    const response = await fetch(`${sim.url}${BUILD}replay/`, {
      headers: { authorization: basic(SIMULATOR_USERS.reader) },
    });
    expect(response.status).toBe(404);
  });

  it("runs the form's mainScript as a new build with a ReplayCause, and redirects to the job", async () => {
    const job = sim.world.getJob(SEED_JOBS.mbMain);
    const next = job.nextBuildNumber;
    const response = await fetch(`${sim.url}${BUILD}replay/run`, {
      method: "POST",
      redirect: "manual",
      headers: {
        authorization: basic(SIMULATOR_USERS.admin),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ json: JSON.stringify({ mainScript: "echo 'replayed'" }) }).toString(),
    });
    expect([response.status, response.headers.get("location")]).toEqual([302, `${sim.url}job/mb/job/main/`]);
    await sim.world.waitFor(() => job.getBuild(next) !== undefined);
    expect(job.getBuild(next)?.script).toBe("echo 'replayed'");
    const causes = await fetch(
      `${sim.url}job/mb/job/main/${next}/api/json?tree=actions[causes[shortDescription]]`,
      {
        headers: { authorization: basic(SIMULATOR_USERS.admin) },
      },
    ).then((answer) => answer.json());
    expect(JSON.stringify(causes)).toContain("Replayed #1");
  });

  it("refuses a form without mainScript, as json-lib's getString does", async () => {
    const response = await fetch(`${sim.url}${BUILD}replay/run`, {
      method: "POST",
      headers: {
        authorization: basic(SIMULATOR_USERS.admin),
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ json: "{}" }).toString(),
    });
    expect(response.status).toBe(500);
  });
});

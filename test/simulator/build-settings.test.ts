import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";

/** hudson.model.Run's submitDescription, configSubmit and toggleLogKeep, and the job's enable/disable. */
const BUILD = "job/team/job/backend/job/api/3/";

function basic(user: { id: string; apiToken: string }): string {
  return `Basic ${Buffer.from(`${user.id}:${user.apiToken}`).toString("base64")}`;
}

describe("build settings in the simulator", () => {
  let sim: JenkinsSimulator;
  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });
  afterAll(() => sim?.close());

  const build = () => sim.world.getJob(SEED_JOBS.api).getBuild(3);

  async function post(
    path: string,
    form?: Record<string, string>,
    user: { id: string; apiToken: string } = SIMULATOR_USERS.admin,
  ) {
    const response = await fetch(`${sim.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { authorization: basic(user), "content-type": "application/x-www-form-urlencoded" },
      ...(form ? { body: new URLSearchParams(form).toString() } : {}),
    });
    await response.text();
    return {
      status: response.status,
      location: response.headers.get("location"),
      required: response.headers.get("x-required-permission"),
    };
  }

  it("submitDescription sets the description and redirects to the build", async () => {
    expect(await post(`${BUILD}submitDescription`, { description: "hello" })).toMatchObject({
      status: 302,
      location: `${sim.url}${BUILD}`,
    });
    expect(build()?.description).toBe("hello");
  });

  it("configSubmit sets both the display name and the description, and needs both keys", async () => {
    const json = JSON.stringify({ displayName: "  rc1 ", description: "d" });
    expect((await post(`${BUILD}configSubmit`, { json })).status).toBe(302);
    expect([build()?.displayName, build()?.description, build()?.fullDisplayName]).toEqual([
      "rc1",
      "d",
      "team » backend » api rc1",
    ]);
    expect((await post(`${BUILD}configSubmit`, { json: JSON.stringify({ displayName: "x" }) })).status).toBe(
      500,
    );
    expect(
      (await post(`${BUILD}configSubmit`, { json: JSON.stringify({ displayName: "", description: "" }) }))
        .status,
    ).toBe(302);
    expect(build()?.displayName).toBe("#3");
  });

  it("toggleLogKeep flips keepLog; keeping needs Run/Update, un-keeping Run/Delete", async () => {
    expect((await post(`${BUILD}toggleLogKeep`)).status).toBe(302);
    expect(build()?.keepLog).toBe(true);
    const refused = await post(`${BUILD}toggleLogKeep`, undefined, SIMULATOR_USERS.reader);
    expect(refused).toMatchObject({ status: 403, required: "hudson.model.Run.Delete" });
    expect(build()?.keepLog).toBe(true);
  });

  it("exports what it keeps", async () => {
    const response = await fetch(`${sim.url}${BUILD}api/json?tree=description,displayName,keepLog`, {
      headers: { authorization: basic(SIMULATOR_USERS.admin) },
    });
    expect(await response.json()).toMatchObject({ description: "", displayName: "#3", keepLog: true });
  });

  it("requires POST", async () => {
    const response = await fetch(`${sim.url}${BUILD}toggleLogKeep`, {
      headers: { authorization: basic(SIMULATOR_USERS.admin) },
    });
    expect(response.status).toBe(405);
  });
});

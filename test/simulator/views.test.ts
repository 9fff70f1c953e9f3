import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";

/** Views as core's View, ListView and AllView and the nested-view plugin's NestedView export them. */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;

interface ViewJson {
  _class?: string;
  name?: string;
  url?: string;
  jobs?: unknown[];
  views?: ViewJson[];
}

describe("views in the simulator", () => {
  let sim: JenkinsSimulator;
  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });
  afterAll(() => sim?.close());

  async function json(path: string): Promise<{ status: number; body: ViewJson }> {
    const response = await fetch(`${sim.url}${path}`, { headers: { authorization: AUTHORIZATION } });
    const body = response.status === 200 ? ((await response.json()) as ViewJson) : {};
    return { status: response.status, body };
  }

  it("exports the root's views, a NestedView with its own views and no jobs", async () => {
    const { body } = await json("api/json?tree=views[name,url,jobs[name],views[name]]");
    expect(body.views?.[2]).toEqual({
      _class: "hudson.plugins.nested_view.NestedView",
      jobs: [],
      name: "Ops",
      url: `${sim.url}view/Ops/`,
      views: [
        { _class: "hudson.model.ListView", name: "Deploys" },
        { _class: "hudson.model.ListView", name: "Nightly" },
      ],
    });
  });

  it("serves a nested view at view/A/view/B/, names matched exactly, and all as the AllView", async () => {
    expect((await json("view/Ops/view/Nightly/api/json?tree=jobs[fullName]")).body.jobs).toEqual([
      { _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob", fullName: "ops/nightly" },
    ]);
    expect((await json("view/ops/api/json")).status).toBe(404);
    expect((await json("view/all/api/json?tree=name")).body).toEqual({
      _class: "hudson.model.AllView",
      name: "all",
    });
  });
});

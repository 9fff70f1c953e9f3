import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "../../simulator/jenkins-simulator.js";

/** What api/json and config.xml tell of a job's repository, as the git plugin, workflow-cps and branch-api export it. */
const { admin } = SIMULATOR_USERS;
const AUTHORIZATION = `Basic ${Buffer.from(`${admin.id}:${admin.apiToken}`).toString("base64")}`;

describe("sources in the simulator", () => {
  let sim: JenkinsSimulator;
  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
  });
  afterAll(() => sim?.close());

  async function get(path: string): Promise<string> {
    const response = await fetch(`${sim.url}${path}`, { headers: { authorization: AUTHORIZATION } });
    return response.text();
  }

  it("exports a freestyle job's GitSCM and its builds' BuildData", async () => {
    const json = JSON.parse(
      await get(
        "job/team/job/frontend/job/web/api/json?tree=scm[userRemoteConfigs[url],branches[name]],lastBuild[actions[remoteUrls]]",
      ),
    );
    expect(json.scm).toEqual({
      _class: "hudson.plugins.git.GitSCM",
      branches: [{ name: "*/main" }, { name: "*/release/*" }],
      userRemoteConfigs: [{ url: "git@github.com:acme/web.git" }],
    });
    expect(json.lastBuild.actions).toContainEqual({
      _class: "hudson.plugins.git.util.BuildData",
      remoteUrls: ["git@github.com:acme/web.git"],
    });
  });

  it("exports no definition of a pipeline: its CpsScmFlowDefinition is in config.xml", async () => {
    const json = JSON.parse(await get("job/team/job/backend/job/api/api/json?tree=definition,scm"));
    expect(json).toEqual({ _class: "org.jenkinsci.plugins.workflow.job.WorkflowJob" });
    const xml = await get("job/team/job/backend/job/api/config.xml");
    expect(xml).toContain('<definition class="org.jenkinsci.plugins.workflow.cps.CpsScmFlowDefinition"');
    expect(xml).toContain("<url>https://github.com/acme/api.git</url>");
    expect(xml).toContain("<scriptPath>Jenkinsfile</scriptPath>");
  });

  it("exports a multibranch source without its remote, and each branch job's own GitSCM", async () => {
    const project = JSON.parse(await get("job/mb/api/json?tree=sources[source[id,remote]]"));
    expect(project.sources).toEqual([
      // Declared List<BranchSource>: no _class on the entries; SCMSource is abstract, so the source has one.
      { source: { _class: "jenkins.plugins.git.GitSCMSource", id: "mb-source" } },
    ]);
    expect(await get("job/mb/config.xml")).toContain("<remote>ssh://git@GitHub.com/acme/api</remote>");
    const branch = JSON.parse(
      await get(
        "job/mb/job/feature%252Flogin/api/json?tree=property[branch[head[name],scm[userRemoteConfigs[url],branches[name]]]]",
      ),
    );
    expect(branch.property[0].branch).toEqual({
      _class: "jenkins.branch.Branch",
      head: { _class: "jenkins.plugins.git.GitBranchSCMHead", name: "feature/login" },
      scm: {
        _class: "hudson.plugins.git.GitSCM",
        branches: [{ name: "feature/login" }],
        userRemoteConfigs: [{ url: "ssh://git@GitHub.com/acme/api" }],
      },
    });
    expect(SEED_JOBS.mbFeature).toBe("mb/feature%2Flogin");
  });
});

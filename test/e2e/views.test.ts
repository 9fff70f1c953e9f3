import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { JenkinsSimulator, SEED_JOBS } from "../../simulator/jenkins-simulator.js";
import { expectOk, expectOneSentence, teamReadsPolicy } from "./answers.js";
import { openSession, type Session, type Transport } from "./sessions.js";

/**
 * getViews and getViewJobs end to end, over stdio and HTTP. The seed's views: "Backend" (a ListView
 * of team/backend/api, team/backend/deploy-api and hello) and "Ops", a NestedView of "Deploys" and
 * "Nightly".
 */
describe.each<Transport>(["stdio", "http"])("over %s", (transport) => {
  let sim: JenkinsSimulator;
  let session: Session;
  let restricted: Session;

  beforeAll(async () => {
    sim = await JenkinsSimulator.start();
    session = await openSession(transport, sim.url);
    restricted = await openSession(transport, sim.url, { env: { JENKINS_MCP_POLICY: teamReadsPolicy() } });
  });

  afterAll(async () => {
    await session?.close();
    await restricted?.close();
    await sim?.close();
  });

  beforeEach(() => {
    sim.clearFaults();
    sim.clearRequests();
  });

  it("lists the views, nested ones by their path, from one request", async () => {
    const answer = await session.call("getViews", {});
    const result = expectOk(answer);
    expect(result.primaryView).toBe("all");
    expect(
      (result.views as Array<{ path: string; nested: boolean }>).map((view) => [view.path, view.nested]),
    ).toEqual([
      ["all", false],
      ["Backend", false],
      ["Ops", true],
      ["Ops/Deploys", false],
      ["Ops/Nightly", false],
    ]);
    expect(sim.requests.map((request) => request.query.get("tree"))).toEqual([
      "primaryView[name],views[_class,name,url,description,views[_class,name,url,description,views[_class,name,url,description]]]",
    ]);
  });

  it("lists a view's jobs, across folders", async () => {
    const answer = await session.call("getViewJobs", { view: "Backend" });
    expect(expectOk(answer)).toMatchObject({
      view: "Backend",
      jobs: [
        { fullName: SEED_JOBS.api, type: "pipeline" },
        { fullName: SEED_JOBS.deployApi, type: "pipeline" },
        { fullName: "hello", type: "freestyle" },
      ],
      total: 3,
      hasMore: false,
    });
  });

  it("lists a nested view's jobs by its path, and a nested view's own views", async () => {
    expect(expectOk(await session.call("getViewJobs", { view: "Ops/Deploys" }))).toMatchObject({
      jobs: [{ fullName: SEED_JOBS.deploy }, { fullName: SEED_JOBS.release }],
    });
    const nested = await session.call("getViewJobs", { view: "Ops" });
    expect(expectOk(nested)).toMatchObject({ jobs: [], views: ["Deploys", "Nightly"] });
    expect(nested.text).toBe("Ops is a nested view; its views: Ops/Deploys, Ops/Nightly.");
    expect(sim.requests.map((request) => request.path)).toEqual([
      "/view/Ops/view/Deploys/api/json",
      "/view/Ops/api/json",
    ]);
  });

  it("caps the list and says there are more", async () => {
    const answer = await session.call("getViewJobs", { view: "all", limit: 2 });
    expect(expectOk(answer)).toMatchObject({ hasMore: true });
    expect((expectOk(answer).jobs as unknown[]).length).toBe(2);
  });

  it("shows only the jobs the policy lets the client read, counting only those", async () => {
    const answer = await restricted.call("getViewJobs", { view: "Backend" });
    expect(expectOk(answer)).toMatchObject({
      jobs: [{ fullName: SEED_JOBS.api }, { fullName: SEED_JOBS.deployApi }],
      total: 2,
      hasMore: false,
    });
  });

  it("refuses an empty segment before sending anything", async () => {
    const answer = await session.call("getViewJobs", { view: "Ops//Deploys" });
    expectOneSentence(answer, /^view "Ops\/\/Deploys" has an empty or dot segment/);
    expect(sim.requests).toEqual([]);
  });

  it("says a view that does not exist was not found, and where to look", async () => {
    const answer = await session.call("getViewJobs", { view: "ops" });
    expectOneSentence(
      answer,
      /^View "ops" was not found \(names are exact, nested ones joined by \/\): list the views with getViews/,
    );
  });

  it("explains a Jenkins failure in one sentence", async () => {
    sim.injectFault({ match: { path: "/view/Backend/api/json" }, kind: "html500" });
    const answer = await session.call("getViewJobs", { view: "Backend" });
    expectOneSentence(answer, /^Jenkins failed with 500\b.* while reading the view Backend/);
  });
});

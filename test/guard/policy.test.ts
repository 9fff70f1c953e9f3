import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { parsePolicy } from "../../src/guard/policy.js";

const TEAM_POLICY = `
version: 1
unconfirmable: refuse
rules:
  - name: no-prod-for-bots
    clients: [ci-bot]
    jobs: ["*/deploy-prod"]
    deny: [trigger]
  - name: team-backend
    clients: [ci-bot, alice]
    jobs: ["team/**"]
    allow: [read, trigger, cancel]
    confirm: [trigger]
    triggersPerMinute: 5
  - name: everyone-reads
    clients: ["*"]
    jobs: ["**"]
    allow: [read]
`;

describe("policy decisions", () => {
  const policy = parsePolicy(TEAM_POLICY);

  it("lets the first rule that names client and job decide, deny before allow", () => {
    expect(policy.decide("ci-bot", "trigger", "team/deploy-prod")).toEqual({
      allowed: false,
      rule: "no-prod-for-bots",
      reason: 'rule "no-prod-for-bots" denies trigger on team/deploy-prod',
    });
    expect(policy.decide("ci-bot", "trigger", "team/api")).toEqual({
      allowed: true,
      rule: "team-backend",
      confirm: true,
      triggersPerMinute: 5,
    });
    expect(policy.decide("bob", "read", "team/api")).toMatchObject({ allowed: true, rule: "everyone-reads" });
  });

  it("denies by default and says so", () => {
    const decision = policy.decide("bob", "trigger", "team/api");
    expect(decision.allowed).toBe(false);
    if (!decision.allowed)
      expect(decision.reason).toMatch(/no policy rule allows client "bob" to trigger team\/api/);
    expect(policy.decide("alice", "create", "team/new").allowed).toBe(false);
  });

  it("lists folders that hold readable jobs", () => {
    const narrow = parsePolicy('rules: [{name: r, clients: [x], jobs: ["team/backend/*"], allow: [read]}]');
    expect(narrow.mayList("x", "team", true)).toBe(true);
    expect(narrow.mayList("x", "team/backend/api", false)).toBe(true);
    expect(narrow.mayList("x", "hello", true)).toBe(false);
    expect(narrow.mayList("y", "team", true)).toBe(false);
    // A job has nothing inside: it is listed only when it may be read itself.
    expect(narrow.mayList("x", "team", false)).toBe(false);
  });

  it("hides a folder that an earlier rule denies, whatever a later broad rule allows", () => {
    const policy = parsePolicy(`
rules:
  - {name: no-ops, clients: ["*"], jobs: ["ops/**"], deny: [read]}
  - {name: no-secrets, clients: ["*"], jobs: ["team/*/secret-*"], deny: [read]}
  - {name: rest, clients: ["*"], jobs: ["**"], allow: [read]}
`);
    expect(policy.mayList("x", "ops", true)).toBe(false);
    expect(policy.mayList("x", "OPS", true)).toBe(false);
    expect(policy.mayList("x", "ops/deploy", true)).toBe(false);
    expect(policy.mayList("x", "team", true)).toBe(true);
    expect(policy.mayList("x", "team/backend/secret-keys", false)).toBe(false);
    // A folder of that name may still hold readable items deeper down.
    expect(policy.mayList("x", "team/backend/secret-keys", true)).toBe(true);
  });

  it("reads JSON as well as YAML", () => {
    const json = parsePolicy(
      '{"rules": [{"name": "all", "clients": ["stdio"], "jobs": ["**"], "allow": ["read"]}]}',
    );
    expect(json.decide("stdio", "read", "x").allowed).toBe(true);
  });
});

describe("replay, the action that runs unreviewed code", () => {
  it("is confirmed wherever a rule allows it, though the rule does not list it under confirm", () => {
    const policy = parsePolicy(
      'rules: [{name: replays, clients: ["*"], jobs: ["**"], allow: [read, replay]}]',
    );
    expect(policy.decide("alice", "replay", "team/api")).toMatchObject({ allowed: true, confirm: true });
    expect(policy.decide("alice", "read", "team/api")).toMatchObject({ allowed: true, confirm: false });
  });

  it("is refused without a policy, where every other action is Jenkins' to decide", async () => {
    const { Guard, PolicyDenied } = await import("../../src/guard/guard.js");
    const { namedClient } = await import("../../src/guard/identity.js");
    const guard = new Guard(undefined, undefined);
    expect(() => guard.check(namedClient("stdio"), "replay", "team/api")).toThrow(PolicyDenied);
    expect(() => guard.check(namedClient("stdio"), "configure", "team/api")).not.toThrow();
  });
});

describe("policy mistakes", () => {
  it.each([
    [
      "rules:\n  - name: r\n    clients: [a]\n    jobs: [x]\n    allow: [raed]\n",
      /line 5 \(rules\.0\.allow\.0\): actions are read, trigger, cancel, create/,
    ],
    [
      "rules:\n  - name: r\n    clients: []\n    jobs: [x]\n",
      /line 3 \(rules\.0\.clients\): clients must list/,
    ],
    [
      "rules:\n  - name: r\n    clients: [a]\n    jobs: [x]\n    alow: [read]\n",
      /line 5 \(rules\.0\.alow\).*alow/,
    ],
    [
      "rules:\n  - name: r\n    clients: [a]\n    jobs: [x]\n    allow: [read]\n    denny:\n      - trigger\n",
      /line 6 \(rules\.0\.denny\).*denny/,
    ],
    ["version: 2\nrules: []\n", /line 1 \(version\): version must be 1/],
    [
      "rules:\n  - name: r\n    clients: [a]\n    jobs: [x]\n    confirm: [trigger]\n",
      /line 5: rule "r" confirms trigger without allowing it/,
    ],
    ["rules: [\n", /line \d+: not valid YAML or JSON/],
    [
      'maskPatterns: ["("]\nrules: [{name: r, clients: [a], jobs: [x]}]\n',
      /line 1: maskPatterns entry is not a valid regular expression/,
    ],
    [
      'rules:\n  - name: r\n    clients: [a]\n    jobs:\n      - "ok/**"\n      - "a//b"\n',
      /line 6: job glob "a\/\/b" has an empty segment/,
    ],
  ])("reports %j with its line", (text, message) => {
    expect(() => parsePolicy(text)).toThrowError(ConfigError);
    expect(() => parsePolicy(text)).toThrowError(message);
  });
});

describe("the policy guide's sample policy", () => {
  it("is a valid policy that decides as docs/policy.md says", async () => {
    const { readFileSync } = await import("node:fs");
    const readme = readFileSync(new URL("../../docs/policy.md", import.meta.url), "utf8");
    const sample = /```yaml\n# team-policy\.yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(sample).toBeTruthy();
    const policy = parsePolicy(sample ?? "");
    expect(policy.decide("ci-bot", "trigger", "team/deploy-prod")).toMatchObject({
      allowed: false,
      rule: "no-bot-deploys-to-prod",
    });
    expect(policy.decide("alice", "trigger", "team/deploy-prod")).toMatchObject({
      allowed: true,
      confirm: true,
    });
    expect(policy.decide("ci-bot", "trigger", "team/backend/api")).toMatchObject({
      allowed: true,
      triggersPerMinute: 10,
    });
    expect(policy.decide("bob", "trigger", "team/backend/api").allowed).toBe(false);
    expect(policy.clientsWithIdentity()).toEqual([
      { client: "alice", actAs: { user: "alice", tokenFile: "/run/secrets/alice-jenkins-token" } },
    ]);
  });
});

describe("people and groups (clients signed in with OAuth)", () => {
  const policy = parsePolicy(`
rules:
  - name: alice-deploys
    clients: ["user:alice@example.com"]
    jobs: ["ops/**"]
    allow: [read, trigger]
  - name: release-managers
    clients: ["group:release-managers"]
    jobs: ["team/**"]
    allow: [read, trigger, cancel]
`);
  const alice = { name: "user:alice@example.com", groups: ["group:developers"] };
  const manager = { name: "user:bob@example.com", groups: ["group:developers", "group:release-managers"] };

  it("names a person by user: and a group they belong to by group:", () => {
    expect(policy.decide(alice, "trigger", "ops/deploy")).toMatchObject({
      allowed: true,
      rule: "alice-deploys",
    });
    expect(policy.decide(manager, "cancel", "team/api")).toMatchObject({
      allowed: true,
      rule: "release-managers",
    });
    expect(policy.decide(alice, "cancel", "team/api").allowed).toBe(false);
    expect(policy.mayList(manager, "team", true)).toBe(true);
    expect(policy.mayList(alice, "team", true)).toBe(false);
  });

  it("never takes a static client's name for a group: a token named like one is still itself", () => {
    expect(policy.decide("group:release-managers", "read", "team/api")).toMatchObject({ allowed: true });
    expect(policy.decide({ name: "ci-bot", groups: [] }, "read", "team/api").allowed).toBe(false);
  });
});

describe("policy rules per controller", () => {
  const policy = parsePolicy(`
rules:
  - name: prod-hides-secret
    clients: ["*"]
    controllers: [prod]
    jobs: ["secret/**"]
    deny: [read]
  - name: prod-reads
    clients: ["*"]
    controllers: [prod]
    jobs: ["**"]
    allow: [read]
  - name: everyone-triggers
    clients: ["*"]
    controllers: [staging, legacy]
    jobs: ["**"]
    allow: [read, trigger]
`);

  it("keeps, per controller, only its rules in their order: the first match still decides", () => {
    const prod = policy.forController("prod");
    const staging = policy.forController("staging");
    expect(prod.decide("bot", "read", "secret/api")).toMatchObject({
      allowed: false,
      rule: "prod-hides-secret",
    });
    expect(prod.decide("bot", "trigger", "team/api")).toEqual({
      allowed: false,
      rule: null,
      reason:
        'no policy rule allows client "bot" to trigger team/api on controller prod (the policy denies by default)',
    });
    expect(staging.decide("bot", "read", "secret/api")).toMatchObject({
      allowed: true,
      rule: "everyone-triggers",
    });
    expect(staging.decide("bot", "trigger", "team/api")).toMatchObject({ allowed: true });
    expect(prod.mayList("bot", "secret", true)).toBe(false);
    expect(staging.mayList("bot", "secret", true)).toBe(true);
  });

  it("names the controller in refusals only when asked to", () => {
    const quiet = policy.forController("prod", false).decide("bot", "trigger", "team/api");
    expect(quiet).toMatchObject({ allowed: false, reason: expect.not.stringContaining("controller") });
    expect(policy.controllerNames()).toEqual(["prod", "staging", "legacy"]);
  });

  it("refuses an empty controllers list", () => {
    expect(() =>
      parsePolicy('rules:\n  - { name: r, clients: ["*"], controllers: [], jobs: ["**"], allow: [read] }'),
    ).toThrowError(/line 2 \(rules\.0\.controllers\): controllers must list at least one controller name/);
  });
});

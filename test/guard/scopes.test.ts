import { describe, expect, it } from "vitest";
import { Guard, PolicyDenied } from "../../src/guard/guard.js";
import type { Identity } from "../../src/guard/identity.js";
import { type Action, parsePolicy } from "../../src/guard/policy.js";

/** A person whose access token grants `granted`, scopes named `jenkins:<action>`. */
function signedIn(granted: Action[]): Identity {
  return {
    name: "user:alice@example.com",
    groups: ["group:release-managers"],
    scopes: { granted: new Set(granted), scopeOf: (action) => `jenkins:${action}` },
  };
}

const everything = parsePolicy(`
rules:
  - name: managers-do-everything
    clients: ["group:release-managers"]
    jobs: ["**"]
    allow: [read, trigger, cancel, create]
`);

describe("an access token's scopes bound what the policy allows", () => {
  it.each([[new Guard(everything, undefined)], [new Guard(undefined, undefined)]])(
    "refuses an action the token does not grant, with or without a policy",
    async (guard) => {
      const client = signedIn(["read"]);
      const request = { client, action: "trigger" as const, job: "hello", what: "trigger hello" };
      await expect(guard.authorize(request, () => undefined)).rejects.toThrowError(
        new PolicyDenied(
          "Refused: the access token does not grant trigger (scope jenkins:trigger); nothing was read or changed. Sign in again and consent to jenkins:trigger.",
          null,
        ),
      );
      expect(() => guard.check(client, "create", "team/new")).toThrowError(/does not grant create/);
      expect(guard.mayRead(client, "hello")).toBe(true);
    },
  );

  it("hides everything from a token without the read scope", () => {
    const guard = new Guard(everything, undefined);
    expect(guard.mayRead(signedIn(["trigger"]), "hello")).toBe(false);
    expect(guard.mayList(signedIn(["trigger"]), "team", true)).toBe(false);
  });

  it("lets the policy decide what the token grants", async () => {
    const guard = new Guard(everything, undefined);
    const request = {
      client: signedIn(["read", "trigger"]),
      action: "trigger" as const,
      job: "hello",
      what: "x",
    };
    await expect(guard.authorize(request, () => undefined)).resolves.toBe("managers-do-everything");
  });
});

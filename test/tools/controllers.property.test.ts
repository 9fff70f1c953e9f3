import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ControllerChoiceError, chooseController } from "../../src/tools/controllers.js";

const NAMES = ["prod", "staging", "legacy"];
/** A job name as Jenkins allows it: no `:` in any segment (Jenkins.checkGoodName). */
const jobName = fc
  .array(
    fc.string({ minLength: 1, maxLength: 12 }).filter((segment) => !/[:/]/.test(segment)),
    { minLength: 1, maxLength: 4 },
  )
  .map((segments) => segments.join("/"));
const controller = fc.constantFrom(...NAMES);

describe("chooseController", () => {
  it("takes the controller from a job name's prefix and leaves Jenkins the rest, exactly", () => {
    fc.assert(
      fc.property(controller, jobName, (name, job) => {
        const chosen = chooseController({ jobFullName: `${name}:${job}`, limit: 5 }, NAMES, false);
        expect(chosen).toEqual({ controller: name, input: { jobFullName: job, limit: 5 } });
      }),
    );
  });

  it("never takes a plain job name for one that names a controller", () => {
    fc.assert(
      fc.property(controller, jobName, (name, job) => {
        const chosen = chooseController({ jobFullName: job, controller: name }, NAMES, false);
        expect(chosen).toEqual({ controller: name, input: { jobFullName: job } });
      }),
    );
  });

  it("refuses a name that is not a controller, and two that disagree, whatever the job", () => {
    fc.assert(
      fc.property(controller, controller, jobName, (first, second, job) => {
        const doubled = () =>
          chooseController({ jobFullName: `${first}:${job}`, controller: second }, NAMES, false);
        if (first === second) expect(doubled().controller).toBe(first);
        else expect(doubled).toThrowError(/names two controllers/);
        expect(() => chooseController({ jobFullName: `qa:${job}` }, NAMES, true)).toThrowError(
          ControllerChoiceError,
        );
      }),
    );
  });

  it("asks for a controller unless the tool spans them", () => {
    expect(() => chooseController({ jobFullName: "team/api" }, NAMES, false)).toThrowError(
      /Say which Jenkins controller: this server has prod, staging, legacy/,
    );
    expect(chooseController({ query: "api" }, NAMES, true)).toEqual({
      controller: undefined,
      input: { query: "api" },
    });
  });
});

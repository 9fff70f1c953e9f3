import { describe, expect, it } from "vitest";
import { type ErrorSubject, JenkinsError } from "../../src/jenkins/errors.js";
import { messageWithAdvice } from "../../src/tools/advice.js";
import { allTools } from "../../src/tools/index.js";
import { ToolError } from "../../src/tools/registry.js";

const EVERY_TOOL = new Set(allTools.map((tool) => tool.name));
const DEFAULT_TOOLS = new Set(allTools.filter((tool) => tool.core).map((tool) => tool.name));

/**
 * The tool each subject's advice sends a model to with every tool offered, and with only the
 * default ones; a new subject fails to compile here until it has its line.
 */
const ADVISED: Record<ErrorSubject, { every: string; defaults: string }> = {
  job: { every: "getJobs", defaults: "getJobs" },
  build: { every: "getJob", defaults: "getJob" },
  input: { every: "getPendingInputs", defaults: "" },
  notAFolder: { every: "getJob", defaults: "getJob" },
  notAJob: { every: "searchJobs", defaults: "searchJobs" },
  queuedBuild: { every: "getJob", defaults: "getJob" },
};

function failure(subject: ErrorSubject): JenkinsError {
  return new JenkinsError("notFound", "Jenkins' sentence (404).", { subject });
}

/** The tool names a text mentions. */
function toolsNamed(text: string): string[] {
  return (text.match(/\b[a-z]+[A-Z]\w*/g) ?? []).filter((word) => EVERY_TOOL.has(word));
}

describe("messageWithAdvice", () => {
  it.each(Object.entries(ADVISED))(
    "follows a %s failure with one offered tool to call next",
    (subject, tools) => {
      const withEvery = messageWithAdvice(failure(subject as ErrorSubject), EVERY_TOOL);
      expect(withEvery.startsWith("Jenkins' sentence (404). ")).toBe(true);
      expect(toolsNamed(withEvery)).toEqual([tools.every]);
      const withDefaults = messageWithAdvice(failure(subject as ErrorSubject), DEFAULT_TOOLS);
      expect(toolsNamed(withDefaults)).toEqual(tools.defaults ? [tools.defaults] : []);
    },
  );

  it("falls back to another offered tool, and to no advice when none is offered", () => {
    expect(messageWithAdvice(failure("job"), new Set(["searchJobs"]))).toBe(
      "Jenkins' sentence (404). Find the job's full name with searchJobs.",
    );
    expect(messageWithAdvice(failure("build"), new Set(["getBuild"]))).toBe("Jenkins' sentence (404).");
  });

  it("gives a model one readable text", () => {
    const error = new JenkinsError("notFound", 'Job "team/nope" was not found (404).', { subject: "job" });
    expect(messageWithAdvice(error, EVERY_TOOL)).toBe(
      'Job "team/nope" was not found (404). Check the name with getJobs (folders are separated by /).',
    );
  });

  it("leaves other errors as they are", () => {
    expect(messageWithAdvice(new JenkinsError("timeout", "Jenkins did not answer."), EVERY_TOOL)).toBe(
      "Jenkins did not answer.",
    );
    expect(messageWithAdvice(new ToolError("Nothing is waiting."), EVERY_TOOL)).toBe("Nothing is waiting.");
  });
});

import { describe, expect, it } from "vitest";
import { type ErrorSubject, JenkinsError } from "../../src/jenkins/errors.js";
import { messageWithAdvice } from "../../src/tools/advice.js";
import { allTools } from "../../src/tools/index.js";
import { ToolError } from "../../src/tools/registry.js";

/** The tools each subject's advice sends a model to; a new subject fails to compile here until it has one. */
const ADVISED: Record<ErrorSubject, string[]> = {
  job: ["getJobs"],
  build: ["getJob"],
  input: ["getPendingInputs"],
  notAFolder: ["getJob"],
  notAJob: ["searchJobs", "getJobs"],
  queuedBuild: ["getJob"],
};

const TOOL_NAMES = allTools.map((tool) => tool.name);

describe("messageWithAdvice", () => {
  it.each(Object.entries(ADVISED))("follows a %s failure with the tools to call next", (subject, tools) => {
    const error = new JenkinsError("notFound", "Jenkins' sentence (404).", {
      subject: subject as ErrorSubject,
    });
    const message = messageWithAdvice(error);
    expect(message.startsWith("Jenkins' sentence (404). ")).toBe(true);
    const named = message.match(/\b[a-z]+[A-Z]\w*/g) ?? [];
    expect(named).toEqual(tools);
    expect(TOOL_NAMES).toEqual(expect.arrayContaining(named));
  });

  it("gives a model one readable text", () => {
    const error = new JenkinsError("notFound", 'Job "team/nope" was not found (404).', { subject: "job" });
    expect(messageWithAdvice(error)).toBe(
      'Job "team/nope" was not found (404). Check the name with getJobs (folders are separated by /).',
    );
  });

  it("leaves other errors as they are", () => {
    expect(messageWithAdvice(new JenkinsError("timeout", "Jenkins did not answer."))).toBe(
      "Jenkins did not answer.",
    );
    expect(messageWithAdvice(new ToolError("Nothing is waiting."))).toBe("Nothing is waiting.");
  });
});

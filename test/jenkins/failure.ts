import { expect } from "vitest";
import { JenkinsError } from "../../src/jenkins/errors.js";

/** The JenkinsError a call fails with; the test fails when it succeeds or throws anything else. */
export async function failure(promise: Promise<unknown>): Promise<JenkinsError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(JenkinsError);
  return error as JenkinsError;
}

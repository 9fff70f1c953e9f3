import { type ErrorSubject, JenkinsError } from "../jenkins/errors.js";

/** What to do next about each failure the adapter names a subject for, in tools: the adapter names none. */
const NEXT_STEP: Record<ErrorSubject, string> = {
  job: "Check the name with getJobs (folders are separated by /).",
  build: "Check the build numbers with getJob.",
  input: "List the waiting ones with getPendingInputs.",
  notAFolder: "Use getJob to read it.",
  notAJob: "Find its jobs with searchJobs or getJobs.",
  queuedBuild: "Check the job with getJob before triggering again.",
};

/** The error's message, followed for a Jenkins failure with a subject by the tool to call next. */
export function messageWithAdvice(error: Error): string {
  const subject = error instanceof JenkinsError ? error.subject : undefined;
  return subject ? `${error.message} ${NEXT_STEP[subject]}` : error.message;
}

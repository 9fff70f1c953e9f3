import { type ErrorSubject, JenkinsError } from "../jenkins/errors.js";

interface NextStep {
  tool: string;
  advice: string;
}

/**
 * What to do next about each failure the adapter names a subject for, in tools (the adapter names
 * none): the first step whose tool this server offers is given, so advice never sends a model to a
 * tool it cannot call.
 */
const NEXT_STEPS: Record<ErrorSubject, readonly NextStep[]> = {
  job: [
    { tool: "getJobs", advice: "Check the name with getJobs (folders are separated by /)." },
    { tool: "searchJobs", advice: "Find the job's full name with searchJobs." },
  ],
  build: [
    { tool: "getJob", advice: "Check the build numbers with getJob." },
    { tool: "getBuilds", advice: "Check the build numbers with getBuilds." },
  ],
  input: [{ tool: "getPendingInputs", advice: "List the waiting ones with getPendingInputs." }],
  notAFolder: [{ tool: "getJob", advice: "Use getJob to read it." }],
  notAJob: [
    { tool: "searchJobs", advice: "Find its jobs with searchJobs." },
    { tool: "getJobs", advice: "List its jobs with getJobs." },
  ],
  queuedBuild: [
    { tool: "getJob", advice: "Check the job with getJob before triggering again." },
    { tool: "getBuilds", advice: "Check the job's builds with getBuilds before triggering again." },
  ],
};

/** The error's message, followed for a Jenkins failure with a subject by an offered tool to call next. */
export function messageWithAdvice(error: Error, offered: ReadonlySet<string>): string {
  const subject = error instanceof JenkinsError ? error.subject : undefined;
  const step = subject && NEXT_STEPS[subject].find(({ tool }) => offered.has(tool));
  return step ? `${error.message} ${step.advice}` : error.message;
}

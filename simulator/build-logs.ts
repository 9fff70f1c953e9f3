import { consoleNote } from "./logs.js";
import type { Build, Job, Result } from "./world.js";

/** Text of simulated console logs, shaped like real freestyle and Pipeline logs (notes and ANSI included). */

const RED = "\u001b[31m";
const GREEN = "\u001b[32m";
const RESET = "\u001b[0m";

function note(job: Job, what: string): string {
  return consoleNote(`${job.fullName}:${what}`);
}

function pipelineStep(job: Job, text: string): string {
  return `${note(job, text)}[Pipeline] ${text}\n`;
}

function workspace(job: Job): string {
  return `/var/jenkins_home/workspace/${job.fullName}`;
}

export function buildHeader(build: Build): string {
  const job = build.job;
  const started = build.causes.map((c) => `Started by user ${note(job, c.userId)}${c.userName}\n`).join("");
  if (job.kind === "pipeline") {
    return [
      started,
      pipelineStep(job, "Start of Pipeline"),
      pipelineStep(job, "node"),
      `Running on ${note(job, "node")}Jenkins in ${workspace(job)}\n`,
      pipelineStep(job, "{"),
      pipelineStep(job, "stage"),
      pipelineStep(job, "{ (Build)"),
    ].join("");
  }
  return [
    started,
    "Running as SYSTEM\n",
    `Building in workspace ${workspace(job)}\n`,
    `[${job.name}] $ /bin/sh -xe /tmp/jenkins${1_000_000 + build.number}.sh\n`,
  ].join("");
}

/** One line per step; some carry a console note or colours, as real logs do. */
export function buildStepLines(job: Job, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const step = index + 1;
    if (job.kind === "pipeline" && step % 10 === 0) return pipelineStep(job, `sh (step ${step})`);
    if (step % 25 === 0) return `${GREEN}step ${step} of ${count} passed${RESET}\n`;
    return `step ${step} of ${count}: working\n`;
  });
}

export function buildFooter(build: Build, result: Result): string {
  const job = build.job;
  const failed = result === "FAILURE";
  if (job.kind === "pipeline") {
    return [
      pipelineStep(job, "}"),
      pipelineStep(job, "// stage"),
      pipelineStep(job, "}"),
      pipelineStep(job, "// node"),
      pipelineStep(job, "End of Pipeline"),
      failed ? `${RED}ERROR: script returned exit code 1${RESET}\n` : "",
      `Finished: ${result}\n`,
    ].join("");
  }
  return [failed ? "Build step 'Execute shell' marked build as failure\n" : "", `Finished: ${result}\n`].join(
    "",
  );
}

/** The whole log of a finished build, for seeded history. */
export function completeLog(build: Build, result: Result, steps: readonly string[]): string {
  return buildHeader(build) + steps.join("") + buildFooter(build, result);
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Build } from "../jenkins/builds.js";
import type { JenkinsClient } from "../jenkins/client.js";
import type { JobPath } from "../jenkins/paths.js";

/** Polling starts fast (Jenkins often settles quickly) and backs off to this interval. */
const MAX_POLL_MS = 2000;

/** Pauses between polls, doubling up to MAX_POLL_MS, until a deadline. */
export class Backoff {
  private readonly deadline: number;

  constructor(
    timeoutMs: number,
    private interval: number,
    private readonly signal: AbortSignal,
  ) {
    this.deadline = Date.now() + timeoutMs;
  }

  /** Polls again from `interval`, within the same deadline. */
  restart(interval: number): void {
    this.interval = interval;
  }

  /** Waits before the next poll; false once the deadline has passed. */
  async pause(): Promise<boolean> {
    const remaining = this.deadline - Date.now();
    if (remaining <= 0) return false;
    await sleep(Math.min(this.interval, remaining), undefined, { signal: this.signal });
    this.interval = Math.min(this.interval * 2, MAX_POLL_MS);
    return true;
  }
}

/** Reads the build until it has finished; undefined when the backoff's time ran out first. */
export async function waitForResult(
  jenkins: JenkinsClient,
  jobPath: JobPath,
  number: number,
  backoff: Backoff,
  signal: AbortSignal,
  progress: (message: string) => Promise<void>,
): Promise<Build | undefined> {
  for (;;) {
    const build = await jenkins.getBuild(jobPath, number, signal);
    if (!build.building) return build;
    await progress(`Build #${number} is running`);
    if (!(await backoff.pause())) return undefined;
  }
}

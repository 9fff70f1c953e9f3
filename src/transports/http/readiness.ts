import type { JenkinsClient } from "../../jenkins/client.js";

export type Readiness = { ready: true; jenkinsVersion: string } | { ready: false; reason: string };

const CHECK_TIMEOUT_MS = 5_000;
/** Probes from load balancers share one recent check instead of each reaching Jenkins. */
const REUSE_MS = 2_000;

/** Whether Jenkins answers with the configured credentials. */
export class ReadinessProbe {
  private pending: Promise<Readiness> | undefined;
  private settled: { at: number; result: Readiness } | undefined;

  constructor(private readonly jenkins: JenkinsClient) {}

  async check(): Promise<Readiness> {
    if (this.settled && performance.now() - this.settled.at < REUSE_MS) return this.settled.result;
    this.pending ??= this.probe().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async probe(): Promise<Readiness> {
    let result: Readiness;
    try {
      const info = await this.jenkins.serverInfo(AbortSignal.timeout(CHECK_TIMEOUT_MS));
      result = { ready: true, jenkinsVersion: info.version };
    } catch (error) {
      result = { ready: false, reason: (error as Error)?.message ?? String(error) };
    }
    this.settled = { at: performance.now(), result };
    return result;
  }
}

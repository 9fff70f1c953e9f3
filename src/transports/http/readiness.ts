import type { JenkinsClient } from "../../jenkins/client.js";

type Readiness = { ready: true; jenkinsVersion: string } | { ready: false; reason: string };

const CHECK_TIMEOUT_MS = 5_000;
/** Probes from load balancers share one recent check instead of each reaching Jenkins. */
const REUSE_MS = 2_000;

/** Whether one Jenkins answers with the configured credentials. */
class ReadinessProbe {
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

/** `/readyz`'s answer: its HTTP status and JSON body. */
interface ReadyAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * `/readyz`: with one Jenkins, ready when it answers. With several controllers, each is reported
 * and probed on its own; the server is ready while any answers, because every instance shares the
 * same controllers: taking this one out of rotation for a controller that is down would not help
 * calls to it and would stop the calls to the others.
 */
export class ReadinessReport {
  private readonly probes: ReadonlyMap<string, ReadinessProbe>;

  constructor(
    jenkins: JenkinsClient,
    private readonly controllers?: ReadonlyMap<string, JenkinsClient>,
  ) {
    const clients = controllers ?? new Map([["", jenkins]]);
    this.probes = new Map([...clients].map(([name, client]) => [name, new ReadinessProbe(client)]));
  }

  async answer(): Promise<ReadyAnswer> {
    const results = await Promise.all(
      [...this.probes].map(async ([name, probe]) => [name, await probe.check()] as const),
    );
    if (!this.controllers) {
      const [, readiness] = results[0] as (typeof results)[number];
      return readiness.ready
        ? { status: 200, body: { status: "ready", jenkinsVersion: readiness.jenkinsVersion } }
        : { status: 503, body: { status: "unavailable", reason: readiness.reason } };
    }
    const ready = results.filter(([, readiness]) => readiness.ready).length;
    const status = ready === results.length ? "ready" : ready > 0 ? "degraded" : "unavailable";
    return {
      status: ready > 0 ? 200 : 503,
      body: { status, controllers: Object.fromEntries(results) },
    };
  }
}

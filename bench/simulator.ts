/**
 * The Jenkins simulator in a process of its own, so that its CPU and memory are not counted as the
 * server's. Started by the bench with an IPC channel: it sends `{ url }` once listening, then answers
 * `reset` (forget recorded requests), `summary` (how many and how many bytes since), `requests`
 * (each one, to replay them directly), `fault` and `clearFaults` (sim.injectFault), and `triggers`
 * (the POSTs that start builds, to check none was sent twice).
 */
import { JenkinsSimulator } from "../simulator/jenkins-simulator.js";
import type { SimulatorReply, SimulatorRequest } from "./lib/simulator-protocol.js";

const simulator = await JenkinsSimulator.start({ quietPeriodMs: 200, buildDurationMs: 300 });

function reply(message: SimulatorReply): void {
  process.send?.(message);
}

process.on("message", (message: SimulatorRequest) => {
  if (message.kind === "reset") {
    simulator.clearRequests();
    reply({ kind: "reset" });
  } else if (message.kind === "summary") {
    const responseBytes = simulator.requests.reduce((sum, request) => sum + request.responseBytes, 0);
    reply({ kind: "summary", count: simulator.requests.length, responseBytes });
  } else if (message.kind === "fault") {
    const { method, path, ...rest } = message.fault;
    simulator.injectFault({ match: { path, ...(method ? { method } : {}) }, ...rest });
    reply({ kind: "fault" });
  } else if (message.kind === "clearFaults") {
    simulator.clearFaults();
    reply({ kind: "clearFaults" });
  } else if (message.kind === "triggers") {
    const posts = simulator.requests.filter(
      (request) => request.method === "POST" && /\/(build|buildWithParameters)$/.test(request.path),
    );
    reply({
      kind: "triggers",
      seen: posts.length,
      queued: posts.filter((post) => post.status === 201).length,
    });
  } else if (message.kind === "requests") {
    reply({
      kind: "requests",
      requests: simulator.requests.map((request) => ({
        method: request.method,
        path: request.path,
        query: request.query.toString(),
        headers: request.requestHeaders,
        status: request.status,
        responseBytes: request.responseBytes,
      })),
    });
  }
});
// The bench going away (even killed) closes the channel: nothing should outlive it.
process.on("disconnect", () => {
  void simulator.close().finally(() => process.exit(0));
});
reply({ kind: "ready", url: simulator.url });

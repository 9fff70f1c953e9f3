/** Messages between the bench and its simulator process (bench/simulator.ts). */

import type { FaultKind } from "../../simulator/jenkins-simulator.js";

/** A fault as it crosses the IPC channel: the path matched exactly (no RegExp). */
export interface FaultRequest {
  method?: string;
  path: string;
  kind: FaultKind;
  delayMs?: number;
  times?: number;
}

export type SimulatorRequest =
  | { kind: "reset" }
  | { kind: "requests" }
  | { kind: "summary" }
  | { kind: "fault"; fault: FaultRequest }
  | { kind: "clearFaults" }
  | { kind: "triggers" };

/** POSTs that start builds, as the simulator saw them, by the status it answered. */
export interface TriggerPosts {
  seen: number;
  /** Answered 201: a build was queued. */
  queued: number;
}

/** One request the simulator served, as recorded. */
export interface SeenRequest {
  method: string;
  path: string;
  /** Query string without `?`. */
  query: string;
  headers: Record<string, string>;
  status: number;
  /** Body bytes the simulator wrote. */
  responseBytes: number;
}

export type SimulatorReply =
  | { kind: "ready"; url: string }
  | { kind: "reset" }
  | { kind: "requests"; requests: SeenRequest[] }
  | { kind: "summary"; count: number; responseBytes: number }
  | { kind: "fault" }
  | { kind: "clearFaults" }
  | ({ kind: "triggers" } & TriggerPosts);

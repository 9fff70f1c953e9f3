/** Messages between the bench and its simulator process (bench/simulator.ts). */

export type SimulatorRequest = { kind: "reset" } | { kind: "requests" } | { kind: "summary" };

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
  | { kind: "summary"; count: number; responseBytes: number };

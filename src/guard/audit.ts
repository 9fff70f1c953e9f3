import { pino } from "pino";

/** One line of the audit trail: every tool call, allowed or refused. Never a secret. */
export interface AuditEntry {
  client: string;
  tool: string;
  /** The controller (comma-separated for a call on several), when the server has more than one. */
  controller?: string | undefined;
  job?: string | undefined;
  parameters?: Record<string, string> | undefined;
  outcome: "ok" | "error" | "denied" | "declined";
  durationMs: number;
  /** A plain sentence: "ci-bot triggered team/api #42 with BRANCH=main". */
  message: string;
  requestId?: string | undefined;
  rule?: string | undefined;
}

export interface AuditTrail {
  record(entry: AuditEntry): void;
  flush(): void;
}

/**
 * Appends JSON lines (`{"time":…,"client":…}`) to a file, created if missing. Each line is written
 * before the call's answer leaves: an audit trail must not lose the last calls when the process dies.
 */
export function fileAuditTrail(path: string): AuditTrail {
  const destination = pino.destination({ dest: path, append: true, mkdir: true, sync: true });
  return {
    record: (entry) => destination.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`),
    flush: () => destination.flushSync(),
  };
}

import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../../logger.js";
import type { ToolChoice } from "../../server.js";

/** What every log line written while serving one HTTP request carries. */
export interface RequestContext {
  requestId: string;
  client?: string;
  session?: string;
  /** The tools the request's X-MCP-* headers chose, when it sent any. */
  toolChoice?: ToolChoice;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The tools the current request chose by its headers (a session's server: its initialize request's). */
export function currentToolChoice(): ToolChoice | undefined {
  return storage.getStore()?.toolChoice;
}

/** The id of the HTTP request being served, if any: audit lines carry it. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/**
 * A logger whose lines carry the current request's id, client and session, wherever they are written
 * (tool calls, Jenkins requests): that id is how an access log line is found in the audit trail.
 * Session servers outlive requests, so a fixed child binding could not do this.
 */
export function requestScopedLogger(logger: Logger): Logger {
  return logger.child(
    {},
    {
      formatters: {
        log: (object) => {
          const context = storage.getStore();
          if (!context) return object;
          // The tool choice is the request's, not a label of its lines.
          const { requestId, client, session } = context;
          return { requestId, client, session, ...object };
        },
      },
    },
  );
}

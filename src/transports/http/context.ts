import { AsyncLocalStorage } from "node:async_hooks";
import type { Logger } from "../../logger.js";

/** What every log line written while serving one HTTP request carries. */
export interface RequestContext {
  requestId: string;
  client?: string;
  session?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
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
          return context ? { ...context, ...object } : object;
        },
      },
    },
  );
}

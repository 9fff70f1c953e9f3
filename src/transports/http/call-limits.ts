import type { ServerResponse } from "node:http";
import type { RequestId } from "@modelcontextprotocol/server";
import { ErrorCode, type JsonRpcErrorBody, jsonRpcError } from "./jsonrpc.js";

/**
 * The per-request timeout and the client's disconnect, as one signal for the MCP side: either one
 * cancels the call, and with it the Jenkins requests it made.
 */
export class CallLimits {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout | undefined;
  timedOut = false;

  constructor(res: ServerResponse, timeoutMs: number | undefined) {
    res.once("close", () => {
      if (!res.writableFinished) this.controller.abort(new Error("the client disconnected"));
    });
    if (timeoutMs !== undefined) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.controller.abort(new Error(timeoutMessage(timeoutMs)));
      }, timeoutMs);
    }
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  abort(reason: Error): void {
    this.controller.abort(reason);
  }

  done(): void {
    clearTimeout(this.timer);
  }
}

/** The answer to a call cut short by the timeout. */
export function timeoutError(timeoutMs: number, id: RequestId | null): JsonRpcErrorBody {
  return jsonRpcError(ErrorCode.requestTimeout, timeoutMessage(timeoutMs), id);
}

function timeoutMessage(timeoutMs: number): string {
  return `Request timed out after ${timeoutMs} ms and was cancelled (MCP_REQUEST_TIMEOUT_MS)`;
}

import type { RequestId } from "@modelcontextprotocol/server";

/**
 * JSON-RPC error codes this transport answers with, beside the SDK's own. All sit where the MCP spec
 * leaves codes to implementations (-32000 to -32019), clear of -32002 (reserved: resource not found).
 */
export const ErrorCode = {
  /** The SDK's (and the spec's examples') code for transport-level refusals. */
  transport: -32000,
  /** The SDK's code for an unknown session (HTTP 404): clients take it as the cue to initialize again. */
  sessionNotFound: -32001,
  /**
   * A call cancelled by MCP_REQUEST_TIMEOUT_MS: not a session problem, so the client must not start a
   * new session. Not -32003 or -32004 either, which drafts of the 2026-07-28 spec used for other errors.
   */
  requestTimeout: -32005,
} as const;

export interface JsonRpcErrorBody {
  jsonrpc: "2.0";
  error: { code: number; message: string };
  id: RequestId | null;
}

export function jsonRpcError(code: number, message: string, id: RequestId | null = null): JsonRpcErrorBody {
  return { jsonrpc: "2.0", error: { code, message }, id };
}

/** A JSON-RPC error as a web Response, the shape the SDK's transports answer with. */
export function errorResponse(
  status: number,
  message: string,
  options: { code?: number; id?: RequestId | null; headers?: Record<string, string> } = {},
): Response {
  return Response.json(jsonRpcError(options.code ?? ErrorCode.transport, message, options.id ?? null), {
    status,
    headers: options.headers ?? {},
  });
}

/** The body as JSON; undefined when there is none or it is not JSON (the SDK then reads it itself). */
export function parseJson(body: string | undefined): unknown {
  if (body === undefined || body.trim() === "") return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

/** `tools/call getBuild`, `initialize`, or several joined by commas for a batch. */
export function rpcSummary(body: unknown): string | undefined {
  const messages = (Array.isArray(body) ? body : [body]) as {
    method?: unknown;
    params?: { name?: unknown };
  }[];
  const names = messages.flatMap((message) => {
    if (typeof message?.method !== "string") return [];
    const tool = message.method === "tools/call" ? message.params?.name : undefined;
    return [typeof tool === "string" ? `${message.method} ${tool}` : message.method];
  });
  return names.length > 0 ? names.join(",") : undefined;
}

/** The ids of the requests in a message or batch (notifications and responses have none). */
export function requestIds(body: unknown): RequestId[] {
  const messages = Array.isArray(body) ? body : [body];
  return messages.flatMap((message) => {
    const id = requestIdOf(message);
    return id === undefined ? [] : [id];
  });
}

/** The id of a request sent alone, not in a batch. */
export function singleRequestId(body: unknown): RequestId | undefined {
  return Array.isArray(body) ? undefined : requestIdOf(body);
}

/** A `subscriptions/listen` request: its stream stays open for as long as the client listens. */
export function isListenRequest(body: unknown): boolean {
  return (body as { method?: unknown } | undefined)?.method === "subscriptions/listen";
}

function requestIdOf(message: unknown): RequestId | undefined {
  const { id, method } = (message ?? {}) as { id?: unknown; method?: unknown };
  if (typeof method !== "string") return undefined;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

import type { RequestId } from "@modelcontextprotocol/server";

/** JSON-RPC error codes this transport answers with, beside the SDK's own. */
export const ErrorCode = {
  /** The SDK's (and the spec's examples') code for transport-level refusals. */
  transport: -32000,
  sessionNotFound: -32001,
  timeout: -32001,
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

import { drain } from "./body.js";
import { cors, type Exchange } from "./exchange.js";
import { ErrorCode, jsonRpcError } from "./jsonrpc.js";

const CORS_ALLOW_METHODS = "GET, POST, DELETE";

/** Answers with a JSON-RPC error after reading the upload, so the client sees the status, not a reset. */
export async function refuse(
  exchange: Exchange,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Promise<void> {
  return sendJson(exchange, status, jsonRpcError(ErrorCode.transport, message), headers);
}

export async function sendJson(
  exchange: Exchange,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<void> {
  const { req, res } = exchange;
  const drained = await drain(req);
  if (res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    ...cors(exchange),
    ...(drained ? {} : { connection: "close" }),
    ...headers,
  });
  res.end(text);
}

export function methodNotAllowed(exchange: Exchange): Promise<void> {
  return refuse(exchange, 405, "Method not allowed", { allow: CORS_ALLOW_METHODS });
}

export function unauthorized(exchange: Exchange): Promise<void> {
  const presented = exchange.req.headers.authorization !== undefined;
  const challenge = presented
    ? 'Bearer realm="jenkins-mcp", error="invalid_token"'
    : 'Bearer realm="jenkins-mcp"';
  const message = presented
    ? "Unauthorized: the bearer token is not valid"
    : "Unauthorized: send Authorization: Bearer <token>";
  return refuse(exchange, 401, message, { "www-authenticate": challenge });
}

/** A browser's CORS preflight; an OPTIONS request without an Origin is not one. */
export async function preflight(exchange: Exchange): Promise<void> {
  const { req, res } = exchange;
  if (!exchange.corsOrigin) return methodNotAllowed(exchange);
  await drain(req);
  const requested = req.headers["access-control-request-headers"];
  res.writeHead(204, {
    ...cors(exchange),
    "access-control-allow-methods": CORS_ALLOW_METHODS,
    "access-control-allow-headers": typeof requested === "string" ? requested : "",
    "access-control-max-age": "600",
  });
  res.end();
}

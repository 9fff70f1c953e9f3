import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../../logger.js";
import { pathOf } from "./bridge.js";
import type { RequestContext } from "./context.js";

/** One HTTP request and its answer, with what its access log line tells. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  context: RequestContext;
  /** JSON-RPC methods of the body, for the access log. */
  rpc?: string;
  /** Set once the Origin passed the guard: only then do answers carry CORS headers. */
  corsOrigin?: string;
}

const VALID_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const CORS_EXPOSE = "mcp-session-id, mcp-protocol-version, www-authenticate, x-request-id";

/** Starts an exchange under the X-Request-Id it came with if that is sane, a new id otherwise. */
export function openExchange(req: IncomingMessage, res: ServerResponse): Exchange {
  const offered = req.headers["x-request-id"];
  const requestId = typeof offered === "string" && VALID_REQUEST_ID.test(offered) ? offered : randomUUID();
  const exchange: Exchange = { req, res, context: { requestId } };
  res.setHeader("x-request-id", requestId);
  return exchange;
}

/** CORS for origins the operator allowed: without it, browsers could not use them anyway. */
export function cors(exchange: Exchange): Record<string, string> {
  const origin = exchange.corsOrigin;
  if (!origin) return {};
  return {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": CORS_EXPOSE,
    vary: "Origin",
  };
}

export function logAccess(logger: Logger, exchange: Exchange, started: number): void {
  const { req, res, context } = exchange;
  const path = pathOf(req.url);
  const probe = path === "/healthz" || path === "/readyz" || path === "/metrics";
  // Behind a reverse proxy `remote` is the proxy; the client's address is what the proxy says.
  const forwarded = req.headers["x-forwarded-for"];
  const line = {
    ...context,
    method: req.method,
    path,
    status: res.statusCode,
    ms: Math.round(performance.now() - started),
    ...(exchange.rpc ? { rpc: exchange.rpc } : {}),
    ...(res.writableFinished ? {} : { aborted: true }),
    remote: req.socket.remoteAddress,
    ...(typeof forwarded === "string" ? { forwardedFor: forwarded.slice(0, 200) } : {}),
  };
  // Load balancers probe every few seconds: their lines would drown the rest.
  if (probe) logger.debug(line, "http request");
  else logger.info(line, "http request");
}

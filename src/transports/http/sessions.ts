import { randomUUID } from "node:crypto";
import {
  type AuthInfo,
  isInitializeRequest,
  type JSONRPCMessage,
  type McpServer,
  type RequestId,
  WebStandardStreamableHTTPServerTransport,
} from "@modelcontextprotocol/server";
import type { Logger } from "../../logger.js";
import { ErrorCode, errorResponse, requestIds } from "./jsonrpc.js";

export interface SessionOptions {
  /** Builds the server one session keeps for its lifetime. */
  factory: () => McpServer;
  maxSessions: number;
  idleMs: number;
  maxBodyBytes: number;
  logger: Logger;
}

interface Session {
  id: string;
  /** The client that opened it: another client's token cannot use it. */
  owner: string;
  server: McpServer;
  transport: WebStandardStreamableHTTPServerTransport;
  /** POST and DELETE exchanges still running; a session with one is never idle. */
  inflight: number;
  idleTimer: NodeJS.Timeout;
}

/**
 * Sessions (`Mcp-Session-Id`) for 2025-era clients, so that what the server sends them between
 * requests (progress, elicitation) has somewhere to go. Each session owns one server instance and one
 * SDK streamable HTTP transport; this class adds what the SDK leaves to the host: a cap on open
 * sessions, idle expiry, ownership, and cancelling a call whose client went away.
 */
export class LegacySessions {
  private readonly sessions = new Map<string, Session>();
  /** Sessions being opened: counted against the cap before their id exists. */
  private opening = 0;

  constructor(private readonly options: SessionOptions) {}

  get size(): number {
    return this.sessions.size;
  }

  async handle(request: Request, parsedBody: unknown, authInfo: AuthInfo): Promise<Response> {
    const id = request.headers.get("mcp-session-id");
    if (id !== null) {
      const session = this.sessions.get(id);
      // Someone else's session is answered like an unknown one: ids are not disclosed to other clients.
      if (!session || session.owner !== authInfo.clientId) {
        return errorResponse(404, "Session not found: it expired or was closed; initialize a new one", {
          code: ErrorCode.sessionNotFound,
        });
      }
      return this.serve(session, request, parsedBody, authInfo);
    }
    if (request.method === "POST" && isInitializeRequest(parsedBody)) {
      return this.open(request, parsedBody, authInfo);
    }
    return errorResponse(400, "Bad Request: Mcp-Session-Id header is required (start with initialize)");
  }

  /** Ends every standalone GET stream, so that shutdown does not wait on connections that never end. */
  closeStreams(): void {
    for (const session of this.sessions.values()) session.transport.closeStandaloneSSEStream();
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((session) => this.close(session, "shutdown")));
  }

  private async open(request: Request, parsedBody: unknown, authInfo: AuthInfo): Promise<Response> {
    const { maxSessions, logger } = this.options;
    if (this.sessions.size + this.opening >= maxSessions) {
      logger.warn({ maxSessions }, "session refused: too many open sessions");
      return errorResponse(
        503,
        `Too many open sessions (${maxSessions}): close unused sessions or retry later`,
        { headers: { "retry-after": "5" } },
      );
    }
    this.opening += 1;
    const server = this.options.factory();
    const transport: WebStandardStreamableHTTPServerTransport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      maxRequestBodySize: this.options.maxBodyBytes,
      onsessioninitialized: (id) => this.register(id, authInfo.clientId, server, transport),
    });
    // Also how a DELETE from the client ends up here: the transport closes itself.
    transport.onclose = () => this.forget(transport.sessionId, "closed by the client");
    try {
      await server.connect(transport);
      const response = await this.dispatch(transport, request, parsedBody, authInfo);
      if (transport.sessionId === undefined) await server.close();
      return response;
    } finally {
      this.opening -= 1;
    }
  }

  private register(
    id: string,
    owner: string,
    server: McpServer,
    transport: WebStandardStreamableHTTPServerTransport,
  ): void {
    const idleTimer = setTimeout(() => this.expire(id), this.options.idleMs);
    idleTimer.unref();
    this.sessions.set(id, { id, owner, server, transport, inflight: 0, idleTimer });
    this.options.logger.info({ session: id, sessions: this.sessions.size }, "session opened");
  }

  private async serve(
    session: Session,
    request: Request,
    parsedBody: unknown,
    authInfo: AuthInfo,
  ): Promise<Response> {
    // A GET is the standalone notification stream: open for as long as the client likes, not activity.
    if (request.method === "GET") return session.transport.handleRequest(request);
    session.inflight += 1;
    session.idleTimer.refresh();
    let response: Response;
    try {
      response = await this.dispatch(session.transport, request, parsedBody, authInfo);
    } catch (error) {
      this.settle(session);
      throw error;
    }
    return onBodyDone(response, () => this.settle(session));
  }

  private settle(session: Session): void {
    session.inflight -= 1;
    if (this.sessions.has(session.id)) session.idleTimer.refresh();
  }

  /**
   * Hands one request to the session's transport. The SDK transport does not stop a call when its
   * HTTP request goes away (it waits for `notifications/cancelled`), so a disconnect or timeout sends
   * that notification on the client's behalf: the handler's signal aborts its Jenkins requests.
   */
  private async dispatch(
    transport: WebStandardStreamableHTTPServerTransport,
    request: Request,
    parsedBody: unknown,
    authInfo: AuthInfo,
  ): Promise<Response> {
    const ids = requestIds(parsedBody);
    if (ids.length > 0) {
      request.signal.addEventListener(
        "abort",
        () => {
          for (const id of ids) {
            transport.onmessage?.(cancellation(id, request.signal.reason));
            transport.closeSSEStream(id);
          }
        },
        { once: true },
      );
    }
    return transport.handleRequest(request, { parsedBody, authInfo });
  }

  private expire(id: string): void {
    const session = this.sessions.get(id);
    if (!session) return;
    if (session.inflight > 0) {
      session.idleTimer.refresh();
      return;
    }
    void this.close(session, "idle");
  }

  private async close(session: Session, reason: string): Promise<void> {
    this.forget(session.id, reason);
    await session.server.close().catch(() => undefined);
  }

  private forget(id: string | undefined, reason: string): void {
    const session = id === undefined ? undefined : this.sessions.get(id);
    if (!session) return;
    clearTimeout(session.idleTimer);
    this.sessions.delete(session.id);
    this.options.logger.info({ session: session.id, reason, sessions: this.sessions.size }, "session closed");
  }
}

function cancellation(requestId: RequestId, reason: unknown): JSONRPCMessage {
  const text = reason instanceof Error ? reason.message : "the client went away";
  return { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId, reason: text } };
}

/** Calls `done` once the response body has been fully sent or abandoned. */
function onBodyDone(response: Response, done: () => void): Response {
  if (!response.body) {
    done();
    return response;
  }
  let called = false;
  const once = () => {
    if (!called) {
      called = true;
      done();
    }
  };
  const reader = response.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done: finished, value } = await reader.read();
        if (finished) {
          once();
          controller.close();
        } else controller.enqueue(value);
      } catch (error) {
        once();
        controller.error(error);
      }
    },
    cancel(reason) {
      once();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

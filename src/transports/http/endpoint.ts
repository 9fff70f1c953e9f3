import {
  type AuthInfo,
  createMcpHandler,
  isLegacyRequest,
  type McpHttpHandler,
  type McpServer,
} from "@modelcontextprotocol/server";
import type { HttpConfig } from "../../config.js";
import type { Logger } from "../../logger.js";
import { LegacySessions } from "./sessions.js";

/**
 * The MCP side of `/mcp`, web-standard in and out. 2026-07-28 clients are served per request by the
 * SDK's handler; 2025 clients get sessions unless the server is stateless, in which case the SDK
 * serves them per request too.
 */
export class McpEndpoint {
  private readonly handler: McpHttpHandler;
  private readonly sessions: LegacySessions | undefined;
  private readonly maxBodyBytes: number;

  constructor(config: HttpConfig, factory: () => McpServer, logger: Logger) {
    this.maxBodyBytes = config.maxBodyBytes;
    this.handler = createMcpHandler(factory, {
      legacy: config.stateless ? "stateless" : "reject",
      maxRequestBodySize: config.maxBodyBytes,
      // The SDK reports every request it refuses here; the access log already has the status.
      onerror: (error) => logger.debug({ err: error }, "mcp handler"),
    });
    this.sessions = config.stateless
      ? undefined
      : new LegacySessions({
          factory,
          maxSessions: config.maxSessions,
          idleMs: config.sessionIdleMs,
          maxBodyBytes: config.maxBodyBytes,
          logger,
        });
  }

  async fetch(request: Request, parsedBody: unknown, authInfo: AuthInfo): Promise<Response> {
    const options = { maxRequestBodySize: this.maxBodyBytes };
    if (this.sessions && (await isLegacyRequest(request, parsedBody, options))) {
      return this.sessions.handle(request, parsedBody, authInfo);
    }
    return this.handler.fetch(request, { authInfo, ...(parsedBody === undefined ? {} : { parsedBody }) });
  }

  /** Open 2025 sessions. */
  get sessionCount(): number {
    return this.sessions?.size ?? 0;
  }

  /** First step of shutdown: end the streams that would otherwise never finish. */
  closeStreams(): void {
    this.sessions?.closeStreams();
  }

  async close(): Promise<void> {
    await Promise.all([this.sessions?.closeAll(), this.handler.close()]);
  }
}

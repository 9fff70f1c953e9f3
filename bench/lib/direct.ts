import { Pool } from "undici";
import { SIMULATOR_USERS } from "../../simulator/auth.js";
import type { SeenRequest } from "./simulator-protocol.js";

/** Headers that belong to one connection, not to the request being replayed. */
const HOP_HEADERS = new Set(["host", "connection", "content-length", "keep-alive", "transfer-encoding"]);

/**
 * Jenkins requests made directly with undici, without the server: the baseline every timing is
 * compared with. The requests are the very ones the server made, as the simulator recorded them.
 */
export class DirectJenkins {
  readonly pool: Pool;
  private readonly authorization = `Basic ${Buffer.from(
    `${SIMULATOR_USERS.admin.id}:${SIMULATOR_USERS.admin.apiToken}`,
  ).toString("base64")}`;

  constructor(jenkinsUrl: string, connections = 16) {
    this.pool = new Pool(new URL(jenkinsUrl).origin, { connections, keepAliveTimeout: 60_000 });
  }

  /** Sends a recorded request again; resolves with the body bytes once all are read. */
  async replay(seen: SeenRequest): Promise<number> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(seen.headers)) {
      if (!HOP_HEADERS.has(name)) headers[name] = value;
    }
    const response = await this.pool.request({
      method: seen.method as "GET" | "HEAD",
      path: seen.query ? `${seen.path}?${seen.query}` : seen.path,
      headers,
    });
    return countBody(response.body);
  }

  /** Replays several recorded requests one after another, as the server sent them. */
  async replayAll(seen: readonly SeenRequest[]): Promise<number> {
    let bytes = 0;
    for (const request of seen) bytes += await this.replay(request);
    return bytes;
  }

  /** GET as the admin; stops reading after `limit` body bytes. */
  async get(pathAndQuery: string, limit = Number.POSITIVE_INFINITY): Promise<number> {
    const response = await this.pool.request({
      method: "GET",
      path: pathAndQuery,
      headers: { authorization: this.authorization },
    });
    return countBody(response.body, limit);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

async function countBody(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit = Infinity,
): Promise<number> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes >= limit) {
      body.destroy();
      break;
    }
  }
  return bytes;
}

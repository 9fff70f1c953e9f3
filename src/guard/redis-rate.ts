import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { RedisClientType } from "@redis/client";
import type { Logger } from "../logger.js";
import { type RateLimiter, RateStoreUnavailable, WINDOW_MS } from "./rate.js";

/** Where the shared trigger counts live (MCP_REDIS_*). */
export interface RedisRateStoreConfig {
  /** `redis://host:6379/0` or `rediss://` for TLS; a user name may be in it, never a password. */
  url: string;
  password?: string;
  /** Extra CA certificates (PEM file) for a `rediss://` server with a private CA. */
  caFile?: string;
}

/**
 * The same sliding minute as LocalRateLimiter, kept in one sorted set per key and decided by one Lua
 * script, so that check and record are atomic across instances. The clock is Redis' own (TIME):
 * instances whose clocks differ still agree on the window.
 */
const TAKE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local window = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
  local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return window - (now - tonumber(oldest[2]))
end
redis.call('ZADD', KEYS[1], now, ARGV[2])
redis.call('PEXPIRE', KEYS[1], window)
return -1
`;

const KEY_PREFIX = "jenkins-mcp:triggers:";
/** A trigger waits at most this long for Redis before it is refused. */
const COMMAND_TIMEOUT_MS = 2_000;
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Trigger rate caps every instance shares. The client library is loaded on the first capped trigger,
 * so a server without Redis never loads it. When Redis cannot be reached the trigger is refused
 * (fail closed): a cap that silently stopped counting would let a runaway agent through.
 */
export class RedisRateLimiter implements RateLimiter {
  private client: Promise<RedisClientType> | undefined;
  private healthy = true;
  /** The client's last connection error: why a connect that timed out failed. */
  private lastError: unknown;

  constructor(
    private readonly config: RedisRateStoreConfig,
    private readonly logger: Logger,
  ) {}

  async take(key: string, limit: number): Promise<true | number> {
    let waitMs: unknown;
    try {
      const client = await this.connected();
      waitMs = await client.eval(TAKE_SCRIPT, {
        keys: [KEY_PREFIX + key],
        arguments: [String(limit), randomUUID(), String(WINDOW_MS)],
      });
    } catch (error) {
      throw new RateStoreUnavailable(this.where(), describe(error));
    }
    return Number(waitMs) < 0 ? true : Math.max(1, Math.ceil(Number(waitMs) / 1000));
  }

  async close(): Promise<void> {
    const client = await this.client?.catch(() => undefined);
    await client?.close().catch(() => undefined);
  }

  /** `redis://host:port`, without the user name. */
  where(): string {
    const url = new URL(this.config.url);
    return `Redis at ${url.protocol}//${url.host}`;
  }

  /** The client, connected once; later outages fail each command at once (no offline queue). */
  private connected(): Promise<RedisClientType> {
    this.client ??= this.connect();
    return this.client.catch((error: unknown) => {
      this.client = undefined;
      throw error;
    });
  }

  private async connect(): Promise<RedisClientType> {
    // A CommonJS package: its exports are the default export both in Node and in the esbuild bundle.
    const { createClient } = (await import("@redis/client")).default;
    const { url, password, caFile } = this.config;
    const tls = url.startsWith("rediss:");
    const client: RedisClientType = createClient({
      url,
      ...(password === undefined ? {} : { password }),
      disableOfflineQueue: true,
      commandOptions: { timeout: COMMAND_TIMEOUT_MS, rejectInFlight: true },
      socket: {
        connectTimeout: COMMAND_TIMEOUT_MS,
        reconnectStrategy: (retries: number) => Math.min(100 * 2 ** retries, MAX_RECONNECT_DELAY_MS),
        ...(tls ? { tls: true as const, ...(caFile ? { ca: readFileSync(caFile) } : {}) } : {}),
      },
    });
    client.on("error", (error: unknown) => this.lost(error));
    client.on("ready", () => this.regained());
    // The first connection retries like any other: wait for it a bounded time, then give up.
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(this.lastError ?? new Error(`no answer within ${COMMAND_TIMEOUT_MS} ms`)),
        COMMAND_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([client.connect(), timedOut]);
    } catch (error) {
      client.destroy();
      throw error;
    } finally {
      clearTimeout(timer);
    }
    return client;
  }

  /** Logged once per outage: the client retries in the background and errors on every attempt. */
  private lost(error: unknown): void {
    this.lastError = error;
    if (!this.healthy) return;
    this.healthy = false;
    this.logger.warn(
      { err: error, store: this.where() },
      "rate cap store unreachable: capped triggers are refused",
    );
  }

  private regained(): void {
    if (this.healthy) return;
    this.healthy = true;
    this.logger.info({ store: this.where() }, "rate cap store reachable again");
  }
}

/** `ECONNREFUSED`, or the message when the error has no such code. */
function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { code } = error as NodeJS.ErrnoException;
  return typeof code === "string" ? code : error.message;
}

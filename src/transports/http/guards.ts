import {
  localhostAllowedHostnames,
  localhostAllowedOrigins,
  validateHostHeader,
  validateOriginHeader,
} from "@modelcontextprotocol/server";
import { type HttpConfig, isLoopbackHost } from "../../config.js";

export type GuardVerdict = { ok: true } | { ok: false; message: string };

const OK: GuardVerdict = { ok: true };

/**
 * Host and Origin checks from the MCP transport rules. On a loopback bind they stop DNS rebinding
 * (a web page whose name resolves to 127.0.0.1); elsewhere the Host check is only on when
 * MCP_ALLOWED_HOSTS names the hosts, and bearer tokens are what keep strangers out.
 */
export class RequestGuards {
  private readonly hosts: readonly string[] | undefined;
  private readonly exactOrigins: ReadonlySet<string> | undefined;
  private readonly loopback: boolean;

  constructor(config: Pick<HttpConfig, "host" | "allowedHosts" | "allowedOrigins">) {
    this.loopback = isLoopbackHost(config.host);
    this.hosts = config.allowedHosts ?? (this.loopback ? localhostAllowedHostnames() : undefined);
    this.exactOrigins = config.allowedOrigins ? new Set(config.allowedOrigins) : undefined;
  }

  /** Whether the Host header is checked at all (it is not on a non-loopback bind without MCP_ALLOWED_HOSTS). */
  get checksHost(): boolean {
    return this.hosts !== undefined;
  }

  host(header: string | undefined): GuardVerdict {
    if (!this.hosts) return OK;
    const result = validateHostHeader(header, [...this.hosts]);
    return result.ok ? OK : { ok: false, message: `Host "${header ?? ""}" is not served here` };
  }

  /** Requests without Origin (every non-browser client) pass; a present Origin must be allowed. */
  origin(header: string | undefined): GuardVerdict {
    if (header === undefined || header === "") return OK;
    if (this.exactOrigins) {
      return this.exactOrigins.has(header) ? OK : forbiddenOrigin(header);
    }
    if (this.loopback && validateOriginHeader(header, localhostAllowedOrigins()).ok) return OK;
    return forbiddenOrigin(header);
  }
}

function forbiddenOrigin(origin: string): GuardVerdict {
  const shown = JSON.stringify(origin.slice(0, 200));
  return { ok: false, message: `Origin ${shown} is not allowed (see MCP_ALLOWED_ORIGINS)` };
}

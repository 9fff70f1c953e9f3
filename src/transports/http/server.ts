import type { HttpConfig } from "../../config.js";
import type { ServerDependencies } from "../../server.js";
import { HttpFront } from "./front.js";

export interface HttpServerHandle {
  /** The MCP endpoint, e.g. `http://127.0.0.1:3000/mcp`. */
  url: string;
  /** Stops accepting, lets in-flight calls finish within the grace period, then closes every session. */
  close(): Promise<void>;
}

/** Starts serving; resolves once the port is bound. */
export async function startHttpServer(
  config: HttpConfig,
  deps: ServerDependencies,
): Promise<HttpServerHandle> {
  const front = new HttpFront(config, deps);
  const url = await front.listen();
  return { url, close: () => front.shutdown() };
}

/** Serves over HTTP until SIGTERM or SIGINT, then shuts down gracefully; a second signal cuts it short. */
export async function runHttp(config: HttpConfig, deps: ServerDependencies): Promise<void> {
  const handle = await startHttpServer(config, deps);
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once("SIGTERM", () => resolve("SIGTERM"));
    process.once("SIGINT", () => resolve("SIGINT"));
  });
  deps.logger.info(
    { signal, graceMs: config.shutdownGraceMs },
    "shutting down: finishing in-flight requests",
  );
  const force = () => {
    deps.logger.warn("second signal: exiting without waiting");
    process.exit(1);
  };
  process.once("SIGTERM", force);
  process.once("SIGINT", force);
  await handle.close();
  deps.logger.info("stopped");
}

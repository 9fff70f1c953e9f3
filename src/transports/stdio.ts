import { serveStdio } from "@modelcontextprotocol/server/stdio";
import type { Logger } from "../logger.js";
import { buildServer, type ServerDependencies } from "../server.js";

/** Serves the tools over stdin/stdout until the client closes stdin or a signal arrives. */
export async function runStdio(deps: ServerDependencies & { logger: Logger }): Promise<void> {
  const handle = serveStdio(() => buildServer(deps));
  deps.logger.info("jenkins-mcp serving over stdio");
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.stdin.once("end", stop);
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  await handle.close();
}

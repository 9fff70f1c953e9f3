import { setFlagsFromString } from "node:v8";
import type { DestinationStream } from "pino";
import type { Config } from "./config.js";
import { createGuardrails } from "./guard/setup.js";
import { HttpJenkinsClient } from "./jenkins/client.js";
import { createLogger, type Logger } from "./logger.js";
import type { ServerDependencies } from "./server.js";
import { allTools } from "./tools/index.js";
import { selectTools } from "./tools/inventory.js";
import { currentRequestId, requestScopedLogger } from "./transports/http/context.js";

/** What a running jenkins-mcp is made of, whichever transport serves it. */
export interface App {
  config: Config;
  logger: Logger;
  /** What each MCP server is built from: tools, the shared Jenkins client, guardrails, identities. */
  dependencies: ServerDependencies;
  /** Flushes the audit trail and the log, and closes every Jenkins connection. */
  close(): Promise<void>;
}

export interface AppOptions {
  /** Where `actAs` tokens named by environment variable are read (process.env for the CLI). */
  env?: Record<string, string | undefined>;
  /** Log lines go here instead of stderr or the log file (tests read them). */
  logDestination?: DestinationStream;
}

/**
 * The one place where the parts are put together: the CLI, and the tests that serve in process,
 * build the same thing from a Config. Everything that can be wrong with the settings (unknown tools,
 * a policy mistake, an unreadable token) throws a ConfigError here, before anything is served.
 */
export function createApp(config: Config, options: AppOptions = {}): App {
  useBaselineWasm();
  const tools = selectTools(allTools, config.tools);
  const logger = createLogger({ level: config.logLevel, file: config.logFile }, options.logDestination);
  if (config.jenkins.tlsInsecure) {
    logger.warn(
      "JENKINS_TLS_INSECURE is on: Jenkins' TLS certificate is NOT checked; anyone on the path can read the API token",
    );
  }
  // Over HTTP, Jenkins request lines carry the id of the MCP request that caused them.
  const exchangeLogger = config.transport === "http" ? requestScopedLogger(logger) : logger;
  const observer = { onExchange: (event: object) => exchangeLogger.debug(event, "jenkins request") };
  const jenkins = new HttpJenkinsClient(config.jenkins, observer);
  const guardrails = createGuardrails(config, jenkins, options.env ?? {}, logger, observer);
  return {
    config,
    logger,
    dependencies: {
      jenkins,
      logger,
      tools,
      guard: guardrails.guard,
      jenkinsFor: guardrails.jenkinsFor,
      requestId: currentRequestId,
    },
    async close() {
      await guardrails.close();
      await jenkins.close();
      logger.flush();
    },
  };
}

/**
 * undici parses HTTP in WebAssembly. V8 later recompiles its hot parser with TurboFan, which takes
 * some 30 MB for a moment: the log tail's peak RSS went from 113-118 to 78-80 MB without it, and
 * paging 60 MB of log used the same CPU (issue #8). Baseline code alone is enough here. Set before
 * the first Jenkins request loads undici; it is process-wide, so it belongs to the process's setup.
 */
function useBaselineWasm(): void {
  setFlagsFromString("--liftoff-only");
}

#!/usr/bin/env node
import { type Config, ConfigError, helpText, parseCli } from "./config.js";
import { createGuardrails, type Guardrails } from "./guard/setup.js";
import { HttpJenkinsClient } from "./jenkins/client.js";
import { createLogger, type Logger } from "./logger.js";
import type { ServerDependencies } from "./server.js";
import { allTools } from "./tools/index.js";
import { selectTools } from "./tools/inventory.js";
import { currentRequestId, requestScopedLogger } from "./transports/http/context.js";
import { packageInfo } from "./version.js";

interface Startup {
  config: Config;
  logger: Logger;
  jenkins: HttpJenkinsClient;
  guardrails: Guardrails;
  deps: ServerDependencies;
}

async function main(): Promise<number> {
  let startup: Startup | number;
  try {
    startup = start(process.argv.slice(2));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`jenkins-mcp: ${error.message}\n`);
    return 2;
  }
  if (typeof startup === "number") return startup;
  const { config, logger, jenkins, guardrails, deps } = startup;
  try {
    // Only the transport in use is loaded: the HTTP one brings a web stack stdio never needs.
    if (config.transport === "http")
      await (await import("./transports/http/index.js")).runHttp(config.http, deps);
    else await (await import("./transports/stdio.js")).runStdio(deps);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`jenkins-mcp: ${error.message}\n`);
    return 2;
  } finally {
    await guardrails.close();
    await jenkins.close();
    logger.flush();
  }
  return 0;
}

/** Everything that can be wrong with the settings is found here, before anything is served. */
function start(argv: string[]): Startup | number {
  const action = parseCli(argv, process.env);
  if (action.kind === "help") {
    process.stdout.write(helpText(packageInfo.version));
    return 0;
  }
  if (action.kind === "version") {
    process.stdout.write(`${packageInfo.version}\n`);
    return 0;
  }
  const { config } = action;
  const tools = selectTools(allTools, config.tools);
  const logger = createLogger({ level: config.logLevel, file: config.logFile });
  if (config.jenkins.tlsInsecure) {
    logger.warn(
      "JENKINS_TLS_INSECURE is on: Jenkins' TLS certificate is NOT checked; anyone on the path can read the API token",
    );
  }
  // Over HTTP, Jenkins request lines carry the id of the MCP request that caused them.
  const exchangeLogger = config.transport === "http" ? requestScopedLogger(logger) : logger;
  const observer = { onExchange: (event: object) => exchangeLogger.debug(event, "jenkins request") };
  const jenkins = new HttpJenkinsClient(config.jenkins, observer);
  const guardrails = createGuardrails(config, jenkins, process.env, observer);
  const deps: ServerDependencies = {
    jenkins,
    logger,
    tools,
    guard: guardrails.guard,
    jenkinsFor: guardrails.jenkinsFor,
    requestId: currentRequestId,
  };
  return { config, logger, jenkins, guardrails, deps };
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`jenkins-mcp: unexpected error: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);

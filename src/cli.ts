#!/usr/bin/env node
import { ConfigError, helpText, parseCli } from "./config.js";
import { requestScopedLogger } from "./http/context.js";
import { HttpJenkinsClient } from "./jenkins/client.js";
import { createLogger } from "./logger.js";
import { allTools } from "./tools/index.js";
import { selectTools } from "./tools/inventory.js";
import type { ToolDefinition } from "./tools/registry.js";
import { runHttp } from "./transports/http.js";
import { runStdio } from "./transports/stdio.js";
import { packageInfo } from "./version.js";

async function main(): Promise<number> {
  let action: ReturnType<typeof parseCli>;
  let tools: ToolDefinition[] = [];
  try {
    action = parseCli(process.argv.slice(2), process.env);
    if (action.kind === "serve") tools = selectTools(allTools, action.config.tools);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`jenkins-mcp: ${error.message}\n`);
    return 2;
  }
  if (action.kind === "help") {
    process.stdout.write(helpText(packageInfo.version));
    return 0;
  }
  if (action.kind === "version") {
    process.stdout.write(`${packageInfo.version}\n`);
    return 0;
  }
  const { config } = action;
  const logger = createLogger({ level: config.logLevel, file: config.logFile });
  if (config.jenkins.tlsInsecure) {
    logger.warn(
      "JENKINS_TLS_INSECURE is on: Jenkins' TLS certificate is NOT checked; anyone on the path can read the API token",
    );
  }
  // Over HTTP, Jenkins request lines carry the id of the MCP request that caused them.
  const exchangeLogger = config.transport === "http" ? requestScopedLogger(logger) : logger;
  const jenkins = new HttpJenkinsClient(config.jenkins, {
    onExchange: (event) => exchangeLogger.debug(event, "jenkins request"),
  });
  try {
    if (config.transport === "http") await runHttp(config.http, { jenkins, logger, tools });
    else await runStdio({ jenkins, logger, tools });
  } finally {
    await jenkins.close();
    logger.flush();
  }
  return 0;
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

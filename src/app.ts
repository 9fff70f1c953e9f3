import { setFlagsFromString } from "node:v8";
import type { DestinationStream } from "pino";
import type { Config } from "./config.js";
import { type Controllers, loadControllers } from "./controllers.js";
import { createGuardrails, type Guardrails } from "./guard/setup.js";
import { RequestBudget } from "./jenkins/budget.js";
import { HttpJenkinsClient } from "./jenkins/client.js";
import { ControllerTraffic, type HttpObserver } from "./jenkins/traffic.js";
import { createLogger, type Logger } from "./logger.js";
import type { ServerDependencies } from "./server.js";
import { Telemetry } from "./telemetry.js";
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
  const env = options.env ?? {};
  const controllers = loadControllers(config, env);
  for (const controller of controllers.list.filter(({ tlsInsecure }) => tlsInsecure)) {
    logger.warn(
      { controller: controller.name },
      "JENKINS_TLS_INSECURE is on: Jenkins' TLS certificate is NOT checked; anyone on the path can read the API token",
    );
  }
  // Over HTTP, Jenkins request lines carry the id of the MCP request that caused them.
  const exchangeLogger = config.transport === "http" ? requestScopedLogger(logger) : logger;
  const telemetry = new Telemetry();
  // Each controller has its own request budget and read sharing: a busy one never holds up another.
  const traffic = new Map<string, ControllerTraffic>();
  for (const { name } of controllers.list) {
    const budget = new RequestBudget(config.traffic.maxConcurrent, config.traffic.maxWaiting);
    telemetry.watch(budget);
    const observer: HttpObserver = {
      onExchange(event) {
        exchangeLogger.debug(
          controllers.list.length > 1 ? { controller: name, ...event } : event,
          "jenkins request",
        );
        telemetry.jenkinsExchange(event);
      },
      onShared: () => telemetry.readShared(),
    };
    const sharing = config.traffic.shareReads && { freshMs: config.traffic.reuseMs };
    traffic.set(name, new ControllerTraffic({ budget, sharing, observer }));
  }
  const trafficOf = (controller: string) => traffic.get(controller) as ControllerTraffic;
  // A client per controller: its own connection pool and caches, so one controller down or slow
  // never holds up the others, and no cached name of one is ever taken for another's.
  const shared = new Map(
    controllers.list.map((controller) => [
      controller.name,
      new HttpJenkinsClient(controller, trafficOf(controller.name)),
    ]),
  );
  const guardrails = createGuardrails(config, controllers.list, shared, env, logger, trafficOf);
  return {
    config,
    logger,
    dependencies: {
      logger,
      tools,
      requestId: currentRequestId,
      telemetry,
      ...jenkinsDependencies(controllers, shared, guardrails),
    },
    async close() {
      await guardrails.close();
      await Promise.all([...shared.values()].map((jenkins) => jenkins.close()));
      logger.flush();
    },
  };
}

/**
 * One controller: the tools as they always were, its policy rules applied without naming it. Two
 * or more: every tool takes a `controller` argument (see registerTools).
 */
function jenkinsDependencies(
  controllers: Controllers,
  shared: ReadonlyMap<string, HttpJenkinsClient>,
  guardrails: Guardrails,
): Pick<ServerDependencies, "jenkins" | "guard" | "jenkinsFor" | "controllers"> {
  const [first] = controllers.list;
  if (!first) throw new Error("No Jenkins controller configured");
  const jenkins = shared.get(first.name) as HttpJenkinsClient;
  if (controllers.list.length === 1) {
    return {
      jenkins,
      guard: guardrails.guard.forController(first.name, false),
      jenkinsFor: (client) => guardrails.jenkinsFor(client, first.name),
    };
  }
  return {
    jenkins,
    guard: guardrails.guard,
    controllers: {
      names: controllers.list.map((controller) => controller.name),
      fanOut: controllers.fanOut,
      jenkinsFor: guardrails.jenkinsFor,
      shared,
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

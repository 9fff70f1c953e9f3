#!/usr/bin/env node
import { type App, createApp } from "./app.js";
import { ConfigError, helpText, parseCli } from "./config.js";
import { packageInfo } from "./version.js";

async function main(): Promise<number> {
  let app: App | number;
  try {
    app = start(process.argv.slice(2));
  } catch (error) {
    return configFailure(error);
  }
  if (typeof app === "number") return app;
  const { config, dependencies } = app;
  try {
    // Only the transport in use is loaded: the HTTP one brings a web stack stdio never needs.
    if (config.transport === "http")
      await (await import("./transports/http/index.js")).runHttp(config.http, dependencies);
    else await (await import("./transports/stdio.js")).runStdio(dependencies);
  } catch (error) {
    return configFailure(error);
  } finally {
    await app.close();
  }
  return 0;
}

/** Everything that can be wrong with the settings is found here, before anything is served. */
function start(argv: string[]): App | number {
  const action = parseCli(argv, process.env);
  if (action.kind === "help") {
    process.stdout.write(helpText(packageInfo.version));
    return 0;
  }
  if (action.kind === "version") {
    process.stdout.write(`${packageInfo.version}\n`);
    return 0;
  }
  return createApp(action.config, { env: process.env });
}

/** A settings mistake is one line and exit code 2; anything else is a crash, reported by the caller. */
function configFailure(error: unknown): number {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`jenkins-mcp: ${error.message}\n`);
  return 2;
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

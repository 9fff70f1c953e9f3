import { JenkinsSimulator, SEED_JOBS, SIMULATOR_USERS } from "./jenkins-simulator.js";

/**
 * Runs a simulator until interrupted, for manual poking:
 *   npx tsc -p tsconfig.sandbox.json && node dist-sandbox/simulator/cli.js [--port 8080] [--prefix /jenkins] [--version 2.541.1]
 */
function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

const simulator = await JenkinsSimulator.start({
  port: Number(option("port") ?? 0),
  prefix: option("prefix") ?? "",
  version: option("version") ?? "2.541.1",
  quietPeriodMs: Number(option("quiet-period-ms") ?? 2000),
  buildDurationMs: Number(option("build-duration-ms") ?? 5000),
});
const { admin, reader } = SIMULATOR_USERS;
process.stderr.write(
  [
    `Jenkins simulator ${simulator.version} at ${simulator.url}`,
    `  admin:  ${admin.id} / password ${admin.password} / API token ${admin.apiToken}`,
    `  reader: ${reader.id} / password ${reader.password} / API token ${reader.apiToken}`,
    `  jobs:   ${Object.values(SEED_JOBS).join(", ")}`,
    "Press Ctrl+C to stop.",
    "",
  ].join("\n"),
);
process.once("SIGINT", () => {
  simulator.close().then(() => process.exit(0));
});

import { pino } from "pino";
import type { LogLevel } from "./config.js";

export type Logger = pino.Logger;

/**
 * Logs go to stderr or a file, never stdout: stdout is the stdio protocol channel. Credentials are
 * redacted wherever a header could end up in a log line.
 */
export function createLogger(
  options: { level: LogLevel; file?: string | undefined },
  /** Where lines go instead of stderr or the file: tests read them, with the product's redaction. */
  destination: pino.DestinationStream = pino.destination({
    dest: options.file ?? 2,
    sync: options.file === undefined,
    mkdir: true,
  }),
): Logger {
  return pino(
    {
      level: options.level,
      base: { name: "jenkins-mcp" },
      redact: {
        paths: ["*.authorization", "*.headers.authorization", "*.headers.cookie", "*.token", "*.password"],
        censor: "[redacted]",
      },
    },
    destination,
  );
}

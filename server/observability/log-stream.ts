import { prettyFactory } from "pino-pretty";

export type LogFormat = "json" | "pretty";
type LineSink = { write(line: string): void };

/**
 * Where the server's log lines go: pino's JSON as is, or turned by pino-pretty into readable
 * lines (development), to `destination` (stdout when unset).
 */
export function logStream(format: LogFormat, destination?: LineSink): LineSink | undefined {
  if (format === "json") return destination;
  const out = destination ?? process.stdout;
  const prettify = prettyFactory({ colorize: !destination && process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  return { write: (line) => void out.write(prettify(line)) };
}

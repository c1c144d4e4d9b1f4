import type { BetterAuthOptions } from "better-auth";

export interface LogSink {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
  info(details: object, message: string): void;
  debug(details: object, message: string): void;
}

/**
 * Better Auth's log lines, through our logger. Only its message and what kind of error came
 * with it are kept: a driver's error message quotes the failed query's parameters, session
 * tokens among them.
 */
export function authLogger(log: LogSink | undefined, disabled: boolean): NonNullable<BetterAuthOptions["logger"]> {
  return {
    level: "warn",
    disabled,
    log: (lineLevel, message, ...args) => {
      const errors = args
        .filter((arg): arg is Error => arg instanceof Error)
        .map((error) => ({ name: error.name, code: (error as { code?: unknown }).code }));
      const details = { source: "better-auth", ...(errors.length > 0 ? { errors } : {}) };
      if (!log) return;
      if (lineLevel === "error") log.error(details, message);
      else if (lineLevel === "warn") log.warn(details, message);
      else if (lineLevel === "info") log.info(details, message);
      else log.debug(details, message);
    },
  };
}

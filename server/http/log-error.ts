import { DrizzleQueryError } from "drizzle-orm";

/**
 * Errors as log lines, without what a failed query carried: Drizzle's wrapper quotes the
 * statement's parameters, and the drivers' errors keep the query and its parameters (session
 * tokens, addresses, links) as fields. Only the driver's reason, its code and the stack are kept.
 */
export function logError(error: Error) {
  let current: Error = error;
  while (current instanceof DrizzleQueryError && current.cause instanceof Error) current = current.cause;
  const { code } = current as { code?: unknown };
  return {
    type: current.constructor.name,
    message: current.message,
    ...(typeof code === "string" ? { code } : {}),
    stack: current.stack ?? "",
  };
}

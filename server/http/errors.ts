/** A dependency (the database) did not answer: callers answer 503, never 500 or "signed in". */
export class DependencyUnavailableError extends Error {
  constructor(cause: unknown) {
    super("Service temporarily unavailable", { cause });
    this.name = "DependencyUnavailableError";
  }
}

const CONNECTION_ERROR_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"]);
/** SQLSTATEs of a database that is going away, starting, full or too slow, as opposed to a bad query. */
const UNAVAILABLE_SQLSTATES = new Set(["57P01", "57P02", "57P03", "53300", "57014"]);
const CONNECTION_MESSAGES = /too many clients|Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|the database system is (starting up|shutting down)|terminating connection/i;

/** True for errors meaning the database is unreachable, as opposed to a bad query. */
export function isDependencyFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    if (current instanceof DependencyUnavailableError) return true;
    if (typeof current !== "object") return false;
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || code.startsWith("08") || UNAVAILABLE_SQLSTATES.has(code))) return true;
    if (typeof message === "string" && CONNECTION_MESSAGES.test(message)) return true;
    current = cause;
  }
  return false;
}

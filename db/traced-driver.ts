import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { ATTR_DB_OPERATION_NAME, ATTR_DB_QUERY_TEXT, ATTR_DB_SYSTEM_NAME, DB_SYSTEM_NAME_VALUE_POSTGRESQL } from "@opentelemetry/semantic-conventions";

const tracer = trace.getTracer("keyway-db");

type Method = (...args: unknown[]) => unknown;

/**
 * `client` (a pg Pool, a PGlite, or what their `connect` and `transaction` hand out) with each
 * `query` a CLIENT span of its own: the statement's text and operation, never its parameters
 * (they hold tokens and password hashes).
 */
export function tracedDriver<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== "function") return value;
      const method = (value as Method).bind(target);
      switch (property) {
        case "query":
          return (...args: unknown[]) => (typeof args.at(-1) === "function" ? method(...args) : traceQuery(method, args));
        case "connect":
          return async (...args: unknown[]) => {
            const connected = await method(...args);
            return typeof connected === "object" && connected !== null ? tracedDriver(connected) : connected;
          };
        case "transaction":
          return (run: (tx: object) => unknown, ...rest: unknown[]) => method((tx: object) => run(tracedDriver(tx)), ...rest);
        default:
          return method;
      }
    },
  });
}

function traceQuery(query: Method, args: unknown[]) {
  const first = args[0];
  const text = typeof first === "string" ? first : (first as { text?: unknown } | undefined)?.text;
  const statement = typeof text === "string" ? text : "";
  const operation = /^\s*(\w+)/.exec(statement)?.[1]?.toUpperCase() ?? "QUERY";
  return tracer.startActiveSpan(
    operation,
    {
      kind: SpanKind.CLIENT,
      attributes: { [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL, [ATTR_DB_OPERATION_NAME]: operation, [ATTR_DB_QUERY_TEXT]: statement },
    },
    async (span) => {
      try {
        return await query(...args);
      } catch (error) {
        // The SQLSTATE only: a driver's message can quote the values it refused.
        const code = (error as { code?: unknown }).code;
        span.setStatus({ code: SpanStatusCode.ERROR, message: typeof code === "string" ? code : undefined });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}

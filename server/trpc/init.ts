import { SpanStatusCode, trace } from "@opentelemetry/api";
import { initTRPC } from "@trpc/server";
import { TRPC_ERROR_CODES_BY_KEY } from "@trpc/server/rpc";
import { ZodError, z } from "zod";
import { isDependencyFailure } from "../http/errors.js";
import { Refusal } from "./auth-call.js";
import type { Context } from "./context.js";
import { transformer } from "./transformer.js";

/** A refused input, field by field: what `data.zodError` carries to clients. */
interface FieldErrors {
  formErrors: string[];
  fieldErrors: Record<string, string[] | undefined>;
}

const t = initTRPC.context<Context>().create({
  transformer,
  // Stack traces only ever leave the server in development.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    // A database that does not answer is 503, never 500 and never "signed out".
    if (isDependencyFailure(error)) {
      return {
        ...shape,
        code: TRPC_ERROR_CODES_BY_KEY.SERVICE_UNAVAILABLE,
        message: "Service temporarily unavailable",
        data: { ...shape.data, code: "SERVICE_UNAVAILABLE" as const, httpStatus: 503, zodError: null, reason: null },
      };
    }
    const revealInternals = ctx?.config.env === "development";
    const internal = error.code === "INTERNAL_SERVER_ERROR" && !revealInternals;
    const zodError: FieldErrors | null = error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return {
      ...shape,
      message: internal ? "Internal server error" : zodError ? "Invalid input" : shape.message,
      // The server's own code of a refusal (BANNED_USER, IMPERSONATION_ENDED…), null otherwise.
      data: { ...shape.data, zodError, reason: error.cause instanceof Refusal ? error.cause.reason : null },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
const tracer = trace.getTracer("keyway-trpc");

/** One span per procedure call (a batch's calls are siblings under the HTTP request's span). */
const traced = t.middleware(({ path, type, next }) =>
  tracer.startActiveSpan(`trpc.${path}`, { attributes: { "rpc.system": "trpc", "rpc.method": path, "trpc.type": type } }, async (span) => {
    try {
      const result = await next();
      if (!result.ok) span.setStatus({ code: SpanStatusCode.ERROR, message: result.error.code });
      return result;
    } finally {
      span.end();
    }
  }),
);

export const baseProcedure = t.procedure.use(traced);

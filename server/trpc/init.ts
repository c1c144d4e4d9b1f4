import { initTRPC, TRPCError } from "@trpc/server";
import superjson from "superjson";
import { ZodError, z } from "zod";
import { isDependencyFailure } from "../http/errors.js";
import type { Context } from "./context.js";

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Stack traces only ever leave the server in development.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const revealInternals = ctx?.config.env === "development";
    const internal = error.code === "INTERNAL_SERVER_ERROR" && !revealInternals;
    const zodError = error.code === "BAD_REQUEST" && error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return {
      ...shape,
      message: internal ? "Internal server error" : zodError ? "Invalid input" : shape.message,
      data: { ...shape.data, zodError },
    };
  },
});

export const router = t.router;
export const middleware = t.middleware;
export const createCallerFactory = t.createCallerFactory;

/** A database that does not answer becomes 503, never 500 and never "signed out". */
const dependencyFailures = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isDependencyFailure(result.error)) {
    throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "Service temporarily unavailable" });
  }
  return result;
});

export const baseProcedure = t.procedure.use(dependencyFailures);

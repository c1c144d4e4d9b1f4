import { TRPCError } from "@trpc/server";
import { isFresh, NOT_FRESH } from "../auth/fresh-session.js";
import { hasRole } from "../auth/roles.js";
import { baseProcedure } from "./init.js";

export const publicProcedure = baseProcedure;

/** Authentication: who is calling. No session → UNAUTHORIZED. */
export const protectedProcedure = baseProcedure.use(async ({ ctx, next }) => {
  const current = await ctx.getSession();
  if (!current) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { user: current.user, session: current.session } });
});

/** Authorization: may they. Not an admin → FORBIDDEN. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.user, "admin")) throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});

/** Sensitive reads and changes: the sign-in behind the session must be recent. */
export const freshSessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!isFresh(ctx.session, ctx.config.session.freshAge)) throw new TRPCError({ code: "FORBIDDEN", message: NOT_FRESH.message });
  return next();
});

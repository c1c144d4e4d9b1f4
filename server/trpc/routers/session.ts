import { toPublicSession } from "../../session-fast-path/public-session.js";
import { router } from "../init.js";
import { TRPCError } from "@trpc/server";
import { authCall } from "../auth-call.js";
import { protectedProcedure, publicProcedure } from "../procedures.js";

export const sessionRouter = router({
  get: publicProcedure.query(async ({ ctx }) => {
    const current = await ctx.getSession();
    return current ? toPublicSession(current) : null;
  }),

  /** Ends an impersonation session and returns to the admin's own session. */
  stopImpersonating: protectedProcedure.mutation(async ({ ctx }) => {
    if (!ctx.session.impersonatedBy) throw new TRPCError({ code: "BAD_REQUEST", message: "You are not impersonating anyone" });
    await authCall(ctx, (api, request) => api.stopImpersonating(request));
    return { impersonating: false as const };
  }),
});

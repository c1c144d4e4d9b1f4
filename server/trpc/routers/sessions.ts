import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authCall } from "../auth-call.js";
import type { Context } from "../context.js";
import { router } from "../init.js";
import { freshSessionProcedure, protectedProcedure, selfServiceProcedure } from "../procedures.js";

const listOwnSessions = (ctx: Context) =>
  authCall(ctx, ctx.auth.api.listSessions({ headers: ctx.headers, returnHeaders: true }));

export const sessionsRouter = router({
  list: freshSessionProcedure.query(async ({ ctx }) => {
    const sessions = await listOwnSessions(ctx);
    return sessions.map((entry) => ({
      id: entry.id,
      createdAt: entry.createdAt,
      updatedAt: entry.updatedAt,
      expiresAt: entry.expiresAt,
      ipAddress: entry.ipAddress ?? null,
      userAgent: entry.userAgent ?? null,
      current: entry.id === ctx.session.id,
    }));
  }),

  /** Revokes one of the caller's own sessions by id; tokens never leave the server. */
  revoke: selfServiceProcedure.input(z.object({ id: z.string().min(1).max(255) })).mutation(async ({ ctx, input }) => {
    const target = (await listOwnSessions(ctx)).find((entry) => entry.id === input.id);
    if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such session" });
    await authCall(
      ctx,
      ctx.auth.api.revokeSession({ headers: ctx.headers, body: { token: target.token }, returnHeaders: true }),
    );
    return { revoked: true as const };
  }),

  revokeOthers: selfServiceProcedure.mutation(async ({ ctx }) => {
    await authCall(ctx, ctx.auth.api.revokeOtherSessions({ headers: ctx.headers, returnHeaders: true }));
    return { revoked: true as const };
  }),
});

import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { authCall } from "../auth-call.js";
import type { Context } from "../context.js";
import { router } from "../init.js";
import { sessionView } from "./session-view.js";
import { freshSessionProcedure, selfServiceProcedure } from "../procedures.js";

const listOwnSessions = (ctx: Context) =>
  authCall(ctx, (api, request) => api.listSessions(request));

export const sessionsRouter = router({
  list: freshSessionProcedure.query(async ({ ctx }) => {
    const sessions = await listOwnSessions(ctx);
    return sessions.map((entry) => ({ ...sessionView(entry), current: entry.id === ctx.session.id }));
  }),

  /** Revokes one of the caller's own sessions by id; tokens never leave the server. */
  revoke: selfServiceProcedure.input(z.object({ id: z.string().min(1).max(255) })).mutation(async ({ ctx, input }) => {
    const target = (await listOwnSessions(ctx)).find((entry) => entry.id === input.id);
    if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such session" });
    await authCall(
      ctx,
      (api, request) => api.revokeSession({ ...request, body: { token: target.token } }),
    );
    return { revoked: true as const };
  }),

  revokeOthers: selfServiceProcedure.mutation(async ({ ctx }) => {
    await authCall(ctx, (api, request) => api.revokeOtherSessions(request));
    return { revoked: true as const };
  }),
});

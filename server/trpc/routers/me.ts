import { TRPCError } from "@trpc/server";
import { eq, or } from "drizzle-orm";
import { z } from "zod";
import { auditEvent, user } from "../../../db/schema/index.js";
import { listAuditEvents } from "../../audit/query.js";
import { toPublicUser } from "../../session-fast-path/public-session.js";
import { pageFields } from "../../pagination/cursor.js";
import { authCall } from "../auth-call.js";
import { router } from "../init.js";
import { protectedProcedure, selfServiceProcedure } from "../procedures.js";

const profileInput = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    image: z.url({ protocol: /^https?$/ }).max(2048).nullable().optional(),
  })
  .strict()
  .refine((input) => input.name !== undefined || input.image !== undefined, { message: "Nothing to update" });

export const meRouter = router({
  get: protectedProcedure.query(({ ctx }) => toPublicUser(ctx.user)),

  /** The caller's own recent security events: what they did, and what was done to their account. */
  securityEvents: protectedProcedure
    .input(z.object(pageFields(100, 20)).strict().default({ limit: 20 }))
    .query(async ({ ctx, input }) => {
      const { events, nextCursor } = await listAuditEvents(
        ctx.db,
        { ...input },
        or(eq(auditEvent.actorUserId, ctx.user.id), eq(auditEvent.targetId, ctx.user.id)),
      );
      return {
        // Where an event came from is the user's own only when they did it themselves; an
        // admin's action on the account (directly or impersonating) shows no admin's IP or agent.
        events: events.map(({ id, occurredAt, action, ip, userAgent, actorUserId, impersonatorId }) => {
          const byAdmin = actorUserId !== ctx.user.id || impersonatorId !== null;
          return { id, occurredAt, action, ip: byAdmin ? null : ip, userAgent: byAdmin ? null : userAgent, byAdmin };
        }),
        nextCursor,
      };
    }),

  update: selfServiceProcedure.input(profileInput).mutation(async ({ ctx, input }) => {
    await authCall(ctx, (api, request) => api.updateUser({ ...request, body: input }));
    const [updated] = await ctx.db.select().from(user).where(eq(user.id, ctx.user.id));
    if (!updated) throw new TRPCError({ code: "NOT_FOUND", message: "Account no longer exists" });
    return toPublicUser(updated);
  }),
});

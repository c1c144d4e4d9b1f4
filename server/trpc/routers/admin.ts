import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { PASSWORD_LENGTH } from "../../auth/plugins/password-policy.js";
import { toPublicUser } from "../../session-fast-path/public-session.js";
import { ROLES } from "../../auth/roles.js";
import { auditFilters, listAuditEvents } from "../../audit/query.js";
import { authCall } from "../auth-call.js";
import type { Context } from "../context.js";
import { router } from "../init.js";
import { adminProcedure } from "../procedures.js";
import { sessionView } from "./session-view.js";

const userId = z.string().min(1).max(255);
const password = z.string().min(PASSWORD_LENGTH.min).max(PASSWORD_LENGTH.max);

type AdminUserRecord = Parameters<typeof toPublicUser>[0] & { banned?: boolean | null; banReason?: string | null; banExpires?: Date | null };

/** What admins see of a user: the public fields plus the ban. */
const toAdminView = (entry: AdminUserRecord) => ({
  ...toPublicUser(entry),
  banned: entry.banned ?? false,
  banReason: entry.banReason ?? null,
  banExpires: entry.banExpires ?? null,
});

/** A user's sessions as admins see them: ids, never tokens. */
async function sessionsOf(ctx: Context, id: string) {
  const { sessions } = await authCall(ctx, (api, request) => api.listUserSessions({ ...request, body: { userId: id } }));
  return sessions;
}

const usersRouter = router({
  list: adminProcedure
    .input(
      z
        .object({
          search: z.string().trim().min(1).max(200).optional(),
          searchField: z.enum(["email", "name"]).default("email"),
          limit: z.number().int().min(1).max(100).default(20),
          offset: z.number().int().min(0).max(1_000_000).default(0),
          sortBy: z.enum(["createdAt", "email", "name"]).default("createdAt"),
          sortDirection: z.enum(["asc", "desc"]).default("desc"),
          filter: z
            .discriminatedUnion("field", [
              z.object({ field: z.literal("role"), value: z.enum(ROLES) }),
              z.object({ field: z.literal("banned"), value: z.boolean() }),
            ])
            .optional(),
        })
        .strict()
        .default({ searchField: "email", limit: 20, offset: 0, sortBy: "createdAt", sortDirection: "desc" }),
    )
    .query(async ({ ctx, input }) => {
      const result = await authCall(
        ctx,
        (api, request) =>
          api.listUsers({
            ...request,
            query: {
              searchValue: input.search,
              searchField: input.searchField,
              searchOperator: "contains",
              limit: input.limit,
              offset: input.offset,
              sortBy: input.sortBy,
              sortDirection: input.sortDirection,
              ...(input.filter ? { filterField: input.filter.field, filterValue: input.filter.value, filterOperator: "eq" as const } : {}),
            },
          }),
      );
      return {
        users: result.users.map(toAdminView),
        total: result.total,
        limit: input.limit,
        offset: input.offset,
      };
    }),

  setRole: adminProcedure
    .input(z.object({ userId, role: z.enum(ROLES) }).strict())
    .mutation(async ({ ctx, input }) => {
      const result = await authCall(
        ctx,
        (api, request) => api.setRole({ ...request, body: input }),
      );
      return toPublicUser(result.user);
    }),

  ban: adminProcedure
    .input(
      z
        .object({
          userId,
          reason: z.string().trim().min(1).max(500).optional(),
          expiresInSeconds: z.number().int().min(60).max(10 * 365 * 24 * 3600).optional(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      await authCall(
        ctx,
        (api, request) => api.banUser({ ...request, body: { userId: input.userId, banReason: input.reason, banExpiresIn: input.expiresInSeconds } }),
      );
      return { banned: true as const };
    }),

  unban: adminProcedure.input(z.object({ userId }).strict()).mutation(async ({ ctx, input }) => {
    await authCall(ctx, (api, request) => api.unbanUser({ ...request, body: input }));
    return { banned: false as const };
  }),

  create: adminProcedure
    .input(
      z
        .object({ email: z.email().max(320), password, name: z.string().trim().min(1).max(100), role: z.enum(ROLES).default("user") })
        .strict(),
    )
    .mutation(async ({ ctx, input }) => {
      const { user } = await authCall(ctx, (api, request) => api.createUser({ ...request, body: input }));
      return toAdminView(user);
    }),

  get: adminProcedure.input(z.object({ userId }).strict()).query(async ({ ctx, input }) =>
    toAdminView(await authCall(ctx, (api, request) => api.getUser({ ...request, query: { id: input.userId } }))),
  ),

  update: adminProcedure
    .input(
      z
        .object({
          userId,
          data: z
            .object({ name: z.string().trim().min(1).max(100).optional(), email: z.email().max(320).optional(), image: z.url().max(2048).nullable().optional() })
            .strict(),
        })
        .strict(),
    )
    .mutation(async ({ ctx, input }) =>
      toAdminView(await authCall(ctx, (api, request) => api.adminUpdateUser({ ...request, body: input }))),
    ),

  setPassword: adminProcedure.input(z.object({ userId, newPassword: password }).strict()).mutation(async ({ ctx, input }) => {
    await authCall(ctx, (api, request) => api.setUserPassword({ ...request, body: input }));
    return { updated: true as const };
  }),

  remove: adminProcedure.input(z.object({ userId }).strict()).mutation(async ({ ctx, input }) => {
    await authCall(ctx, (api, request) => api.removeUser({ ...request, body: input }));
    return { removed: true as const };
  }),

  sessions: router({
    list: adminProcedure.input(z.object({ userId }).strict()).query(async ({ ctx, input }) =>
      (await sessionsOf(ctx, input.userId)).map((entry) => ({
        ...sessionView(entry),
        impersonatedBy: (entry as { impersonatedBy?: string | null }).impersonatedBy ?? null,
      })),
    ),
    revoke: adminProcedure.input(z.object({ userId, sessionId: z.string().min(1).max(255) }).strict()).mutation(async ({ ctx, input }) => {
      const target = (await sessionsOf(ctx, input.userId)).find((entry) => entry.id === input.sessionId);
      if (!target) throw new TRPCError({ code: "NOT_FOUND", message: "No such session" });
      await authCall(ctx, (api, request) => api.revokeUserSession({ ...request, body: { sessionToken: target.token } }));
      return { revoked: true as const };
    }),
    revokeAll: adminProcedure.input(z.object({ userId }).strict()).mutation(async ({ ctx, input }) => {
      await authCall(ctx, (api, request) => api.revokeUserSessions({ ...request, body: input }));
      return { revoked: true as const };
    }),
  }),

  /** Signs the caller in as the user for at most an hour; the session records who did it. */
  impersonate: adminProcedure.input(z.object({ userId }).strict()).mutation(async ({ ctx, input }) => {
    const { session } = await authCall(ctx, (api, request) => api.impersonateUser({ ...request, body: input }));
    return { impersonating: input.userId, expiresAt: session.expiresAt };
  }),
});

const auditRouter = router({
  list: adminProcedure.input(auditFilters.default({ limit: 50 })).query(({ ctx, input }) => listAuditEvents(ctx.db, input)),
});

export const adminRouter = router({ users: usersRouter, audit: auditRouter });

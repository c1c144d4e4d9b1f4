import { z } from "zod";
import { toPublicUser } from "../../auth/public-session.js";
import { ROLES } from "../../auth/roles.js";
import { authCall } from "../auth-call.js";
import { router } from "../init.js";
import { adminProcedure } from "../procedures.js";

const userId = z.string().min(1).max(255);

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
        })
        .strict()
        .default({ searchField: "email", limit: 20, offset: 0, sortBy: "createdAt", sortDirection: "desc" }),
    )
    .query(async ({ ctx, input }) => {
      const result = await authCall(
        ctx,
        ctx.auth.api.listUsers({
          headers: ctx.headers,
          query: {
            searchValue: input.search,
            searchField: input.searchField,
            searchOperator: "contains",
            limit: input.limit,
            offset: input.offset,
            sortBy: input.sortBy,
            sortDirection: input.sortDirection,
          },
          returnHeaders: true,
        }),
      );
      return {
        users: result.users.map((entry) => ({
          ...toPublicUser(entry),
          banned: entry.banned ?? false,
          banReason: entry.banReason ?? null,
          banExpires: entry.banExpires ?? null,
        })),
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
        ctx.auth.api.setRole({ headers: ctx.headers, body: input, returnHeaders: true }),
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
        ctx.auth.api.banUser({
          headers: ctx.headers,
          body: { userId: input.userId, banReason: input.reason, banExpiresIn: input.expiresInSeconds },
          returnHeaders: true,
        }),
      );
      return { banned: true as const };
    }),

  unban: adminProcedure.input(z.object({ userId }).strict()).mutation(async ({ ctx, input }) => {
    await authCall(ctx, ctx.auth.api.unbanUser({ headers: ctx.headers, body: input, returnHeaders: true }));
    return { banned: false as const };
  }),
});

export const adminRouter = router({ users: usersRouter });

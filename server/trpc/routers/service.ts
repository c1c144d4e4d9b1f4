import { z } from "zod";
import { standingOf } from "../../auth/access.js";
import type { AuthSession } from "../../auth/auth.js";
import { toPublicUser } from "../../session-fast-path/public-session.js";
import type { Context } from "../context.js";
import { router } from "../init.js";
import { requireServicePermission } from "../procedures.js";

const adapter = async (ctx: Context) => (await ctx.auth.$context).internalAdapter;

type UserRecord = Parameters<typeof toPublicUser>[0] & { banned?: boolean | null };
const describe = (found: UserRecord | null | undefined) => (found ? { ...toPublicUser(found), banned: found.banned ?? false } : null);

/** The session token in a raw token or a (URL-encoded) signed cookie value; undefined if malformed. */
function sessionTokenOf(value: string): string | undefined {
  try {
    return decodeURIComponent(value).split(".")[0] || undefined;
  } catch {
    return undefined;
  }
}

/** For other backends, each call gated by the permissions the registry grants the caller. */
export const serviceRouter = router({
  users: router({
    byId: requireServicePermission("users:read")
      .input(z.object({ id: z.string().min(1).max(255) }).strict())
      .query(async ({ ctx, input }) => describe(await (await adapter(ctx)).findUserById(input.id))),
    byEmail: requireServicePermission("users:read")
      .input(z.object({ email: z.email().max(320) }).strict())
      .query(async ({ ctx, input }) => describe((await (await adapter(ctx)).findUserByEmail(input.email.toLowerCase()))?.user)),
  }),
  sessions: router({
    /**
     * Whether a user's session token (raw, or the signed cookie value) is valid, and whose it is.
     * A mutation so the token travels in the POST body, never in a URL that access logs keep.
     */
    introspect: requireServicePermission("sessions:introspect")
      .input(z.object({ token: z.string().min(1).max(512) }).strict())
      .mutation(async ({ ctx, input }) => {
        const token = sessionTokenOf(input.token);
        const found = token ? await (await adapter(ctx)).findSession(token) : null;
        if (!found || new Date(found.session.expiresAt) <= new Date()) return { active: false as const };
        // The same standing every other surface applies: a banned user or an ended impersonation is inactive.
        // The adapter's rows hold every plugin field (ban, role); its type names only the core ones.
        const { access } = await standingOf(ctx.db, found as AuthSession, false, ctx.config.session.freshAge);
        if (!access) return { active: false as const };
        const session = found.session as typeof found.session & { activeOrganizationId?: string | null };
        return {
          active: true as const,
          userId: found.user.id,
          impersonatedBy: access.impersonatedBy,
          email: found.user.email,
          expiresAt: new Date(found.session.expiresAt),
          activeOrganizationId: session.activeOrganizationId ?? null,
        };
      }),
    revokeForUser: requireServicePermission("sessions:revoke")
      .input(z.object({ userId: z.string().min(1).max(255) }).strict())
      .mutation(async ({ ctx, input }) => {
        await (await adapter(ctx)).deleteUserSessions(input.userId);
        return { revoked: true as const };
      }),
  }),
});

import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { and, count, eq, ne, or, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { user } from "../../../db/schema/index.js";
import { hasRole } from "../roles.js";

export const ADMIN_SAFETY_ERROR_CODES = defineErrorCodes({
  IMPERSONATION_SESSION: "Stop impersonating to use admin actions",
  LAST_ADMIN: "This would leave no admin. Make someone else an admin first.",
});

/** Admin actions that can take the admin role away from their target. */
const DEMOTING = new Set(["/admin/set-role", "/admin/ban-user", "/admin/remove-user", "/admin/update-user"]);

type DemotingBody = { role?: unknown; data?: { role?: unknown; banned?: unknown } };

const withoutAdmin = (role: unknown) =>
  !(Array.isArray(role) ? role : [role]).some((value) => typeof value === "string" && hasRole({ role: value }, "admin"));

function takesAdminAway(path: string, body: DemotingBody) {
  if (path === "/admin/set-role") return withoutAdmin(body.role);
  if (path === "/admin/update-user") {
    const data = body.data ?? {};
    return ("role" in data && withoutAdmin(data.role)) || data.banned === true;
  }
  return true;
}

/** Admins who would remain, not counting `exceptUserId`. */
async function otherActiveAdmins(db: Db, exceptUserId: string): Promise<number> {
  const [row] = await db
    .select({ total: count() })
    .from(user)
    .where(
      and(
        ne(user.id, exceptUserId),
        eq(user.banned, false),
        or(eq(user.role, "admin"), sql`'admin' = any(string_to_array(${user.role}, ','))`),
      ),
    );
  return row?.total ?? 0;
}

/**
 * Guards Better Auth's admin endpoints themselves, so neither our routers nor a direct
 * /api/auth/admin/* call can get around them: an impersonation session administers nothing,
 * and no action may leave the service without an active admin.
 */
export function adminSafety(db: Db) {
  return {
    id: "keyway-admin-safety",
    $ERROR_CODES: ADMIN_SAFETY_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => (context.path ?? "").startsWith("/admin/") && context.path !== "/admin/stop-impersonating",
          handler: createAuthMiddleware(async (ctx) => {
            const current = await getSessionFromCtx(ctx, { disableCookieCache: true });
            if (current?.session.impersonatedBy) {
              throw APIError.from("FORBIDDEN", ADMIN_SAFETY_ERROR_CODES.IMPERSONATION_SESSION);
            }
            // Only an admin learns whether an action would remove the last admin; anyone else
            // gets Better Auth's own refusal (401/403) from the endpoint.
            if (!current || !hasRole(current.user as { role?: string | null }, "admin")) return;
            const body = (ctx.body ?? {}) as DemotingBody & { userId?: unknown };
            if (!DEMOTING.has(ctx.path ?? "") || typeof body.userId !== "string" || !takesAdminAway(ctx.path!, body)) return;
            const [target] = await db.select({ role: user.role }).from(user).where(eq(user.id, body.userId));
            if (target && hasRole(target, "admin") && (await otherActiveAdmins(db, body.userId)) === 0) {
              throw APIError.from("BAD_REQUEST", ADMIN_SAFETY_ERROR_CODES.LAST_ADMIN);
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

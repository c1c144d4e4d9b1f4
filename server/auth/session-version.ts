import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { session, user } from "../../db/schema/index.js";

/**
 * Better Auth's cookie cache trusts the signed `session_data` cookie until it expires,
 * which would let a revoked session, a banned user or an old role through for minutes.
 * The cache's `version` hook is evaluated both when the cookie is written and when it
 * is read: deriving it from the session and user rows makes any change to them (sign-out,
 * revoke, ban, role change, refresh) invalidate every cached copy at once.
 */
export function sessionVersion(db: Db) {
  return async (current: { token: string }): Promise<string> => {
    const [row] = await db
      .select({ sessionCreatedAt: session.createdAt, sessionUpdatedAt: session.updatedAt, userUpdatedAt: user.updatedAt, role: user.role, banned: user.banned })
      .from(session)
      .innerJoin(user, eq(user.id, session.userId))
      .where(and(eq(session.token, current.token), gt(session.expiresAt, new Date())))
      .limit(1);
    if (!row) return "revoked";
    return [row.sessionCreatedAt.getTime(), row.sessionUpdatedAt.getTime(), row.userUpdatedAt.getTime(), row.role, row.banned].join(":");
  };
}

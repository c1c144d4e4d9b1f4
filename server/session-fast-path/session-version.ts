import { randomUUID } from "node:crypto";
import { and, eq, gt } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { session, user } from "../../db/schema/index.js";
import type { RecentChanges } from "./recent-changes.js";

type Stamped = { updatedAt: Date | string; createdAt: Date | string };
type CachedSession = Stamped & { token: string; userId: string; impersonatedBy?: string | null };
type CachedUser = Stamped & { id: string; role?: string | null; banned?: boolean | null };

/**
 * Better Auth's cookie cache trusts the encrypted `session_data` cookie until it expires,
 * which would let a revoked session, a banned user or an old role through for minutes.
 * The cache's `version` hook is evaluated when the cookie is written (with the rows just
 * read) and when it is read (with the rows the cookie carries); the cookie is served only
 * when both give the same string.
 *
 * The version is a digest of those rows. When the change feed vouches that neither row can
 * have changed since the data was read, the digest of the data itself is the answer and no
 * query runs. Otherwise the rows are read: their digest is the answer if the data matches
 * them, and a value no cookie carries if it does not (data read before a change and written
 * after it).
 */
export function sessionVersion(db: Db, changes?: RecentChanges) {
  return async (current: CachedSession, owner: CachedUser): Promise<string> => {
    const claimed = digest(current, owner);
    const users = current.impersonatedBy ? [owner.id, current.impersonatedBy] : [owner.id];
    if (changes?.vouchesFor(current.token, users, new Date(current.updatedAt).getTime())) return claimed;
    const [row] = await db
      .select({
        session: { createdAt: session.createdAt, updatedAt: session.updatedAt },
        user: { id: user.id, createdAt: user.createdAt, updatedAt: user.updatedAt, role: user.role, banned: user.banned },
      })
      .from(session)
      .innerJoin(user, eq(user.id, session.userId))
      .where(and(eq(session.token, current.token), gt(session.expiresAt, new Date())))
      .limit(1);
    return row && digest(row.session, row.user) === claimed ? claimed : `stale:${randomUUID()}`;
  };
}

function digest(current: Stamped, owner: CachedUser): string {
  const ms = (value: Date | string) => new Date(value).getTime();
  return [ms(current.createdAt), ms(current.updatedAt), owner.id, ms(owner.updatedAt), owner.role, owner.banned].join(":");
}

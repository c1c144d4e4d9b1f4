import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { rateLimit } from "../../db/schema/index.js";

const WINDOW_MS = 60_000;

/**
 * A fixed one-minute window of writes per account, counted in the database so that every
 * instance shares it; true while the account has writes left.
 */
export async function spendWrite(db: Db, userId: string, perMinute: number): Promise<boolean> {
  const key = `writes:${userId}`;
  const now = Date.now();
  const windowOver = sql`${rateLimit.lastRequest} <= ${now - WINDOW_MS}`;
  const [row] = await db
    .insert(rateLimit)
    .values({ id: key, key, count: 1, lastRequest: now })
    .onConflictDoUpdate({
      target: rateLimit.key,
      set: {
        count: sql`case when ${windowOver} then 1 else ${rateLimit.count} + 1 end`,
        lastRequest: sql`case when ${windowOver} then ${now} else ${rateLimit.lastRequest} end`,
      },
    })
    .returning({ count: rateLimit.count });
  return row!.count <= perMinute;
}

import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { apikey } from "../../db/schema/index.js";

/**
 * Better Auth's api-key plugin counts one use per HTTP request, when it checks the key.
 * Every further call in the same request (a tRPC batch) is counted here against the same
 * window and limit, atomically: false when the key has no calls left in its window.
 */
export async function chargeApiKeyCall(db: Db, keyId: string): Promise<boolean> {
  const [row] = await db
    .update(apikey)
    .set({ requestCount: sql`${apikey.requestCount} + 1` })
    .where(
      and(
        eq(apikey.id, keyId),
        sql`(${apikey.rateLimitEnabled} is not true or ${apikey.rateLimitMax} is null or ${apikey.rateLimitTimeWindow} is null
          or (${apikey.lastRequest} > now() - make_interval(secs => ${apikey.rateLimitTimeWindow} / 1000.0)
              and ${apikey.requestCount} < ${apikey.rateLimitMax}))`,
      ),
    )
    .returning({ id: apikey.id });
  return row !== undefined;
}

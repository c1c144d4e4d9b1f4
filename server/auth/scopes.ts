import { and, desc, eq, ne } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { account } from "../../db/schema/index.js";

/**
 * The scopes the user's providers granted (GitHub by OAuth or personal access token, Google,
 * OpenID Connect), newest grant first, each scope once. Providers store them space- or
 * comma-separated.
 */
export async function providerScopes(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .select({ scope: account.scope })
    .from(account)
    .where(and(eq(account.userId, userId), ne(account.providerId, "credential")))
    .orderBy(desc(account.updatedAt));
  return [...new Set(rows.flatMap((row) => (row.scope ?? "").split(/[\s,]+/).filter(Boolean)))];
}

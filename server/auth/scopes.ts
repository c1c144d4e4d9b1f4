import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { account } from "../../db/schema/index.js";

/** The scopes GitHub granted this user (OAuth or personal access token), newest grant first. */
export async function githubScopes(db: Db, userId: string): Promise<string[]> {
  const [row] = await db
    .select({ scope: account.scope })
    .from(account)
    .where(and(eq(account.userId, userId), eq(account.providerId, "github")))
    .orderBy(desc(account.updatedAt))
    .limit(1);
  return (row?.scope ?? "").split(/[\s,]+/).filter(Boolean);
}

import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, isAPIError } from "better-auth/api";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { signInFailure } from "../../../db/schema/index.js";

export interface LockoutPolicy {
  /** Failed password sign-ins allowed per account in one window. */
  maxFailures: number;
  windowSeconds: number;
}

const isPasswordSignIn = (context: { path?: string }) => context.path === "/sign-in/email";

const emailOf = (body: unknown) => {
  const email = (body as { email?: unknown } | undefined)?.email;
  return typeof email === "string" ? email.trim().toLowerCase() : undefined;
};

/**
 * A per-account budget of failed password sign-ins, shared by every instance through the
 * database: once spent, the account refuses password sign-ins (429) until its window ends.
 * The per-IP limits stop one source; this stops many sources aiming at one account, while
 * a lockout never outlasts one window and a success clears the count.
 */
export function accountLockout(db: Db, policy: LockoutPolicy) {
  const windowStart = sql`now() - make_interval(secs => ${policy.windowSeconds})`;
  return {
    id: "keyway-account-lockout",
    hooks: {
      before: [
        {
          matcher: isPasswordSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = emailOf(ctx.body);
            if (!email) return;
            const [row] = await db
              .select({
                count: signInFailure.count,
                retryAfter: sql<number>`ceil(extract(epoch from ${signInFailure.windowStart} + make_interval(secs => ${policy.windowSeconds}) - now()))::int`,
              })
              .from(signInFailure)
              .where(sql`${signInFailure.email} = ${email} and ${signInFailure.windowStart} > ${windowStart}`);
            if (row && row.count >= policy.maxFailures) {
              throw new APIError(
                "TOO_MANY_REQUESTS",
                { code: "ACCOUNT_TEMPORARILY_LOCKED", message: "Too many failed sign-ins for this account. Try again later." },
                { "retry-after": String(Math.max(1, row.retryAfter)) },
              );
            }
          }),
        },
      ],
      after: [
        {
          matcher: isPasswordSignIn,
          handler: createAuthMiddleware(async (ctx) => {
            const email = emailOf(ctx.body);
            if (!email) return;
            const returned = ctx.context.returned;
            if (isAPIError(returned) && returned.statusCode === 401) {
              await db
                .insert(signInFailure)
                .values({ email, count: 1, windowStart: new Date() })
                .onConflictDoUpdate({
                  target: signInFailure.email,
                  set: {
                    count: sql`case when ${signInFailure.windowStart} > ${windowStart} then ${signInFailure.count} + 1 else 1 end`,
                    windowStart: sql`case when ${signInFailure.windowStart} > ${windowStart} then ${signInFailure.windowStart} else now() end`,
                  },
                });
            } else if (!isAPIError(returned)) {
              await db.delete(signInFailure).where(eq(signInFailure.email, email));
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

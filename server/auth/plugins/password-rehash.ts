import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { and, eq } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { account, user } from "../../../db/schema/index.js";
import { hashPassword, needsRehash } from "../password-hash.js";

/** Who a password sign-in names, by path. */
const SIGN_IN_PATHS: Record<string, (body: Record<string, unknown>) => ReturnType<typeof eq> | undefined> = {
  "/sign-in/email": (body) => (typeof body.email === "string" ? eq(user.email, body.email.toLowerCase()) : undefined),
  "/sign-in/username": (body) => (typeof body.username === "string" ? eq(user.username, body.username.toLowerCase()) : undefined),
};

const succeeded = (returned: unknown) => !isAPIError(returned) && !(returned instanceof Response && returned.status >= 400);

/**
 * After a password sign-in that succeeded (a session, or the second-factor step: either way the
 * password was right), an older hash (scrypt, or Argon2id below today's parameters) is replaced
 * by an Argon2id hash of the same password. The update applies only if the stored hash is still
 * the one that was read, so a password changed meanwhile is never overwritten.
 */
export function passwordRehash(db: Db) {
  return {
    id: "keyway-password-rehash",
    hooks: {
      after: [
        {
          matcher: (context) => (context.path ?? "") in SIGN_IN_PATHS,
          handler: createAuthMiddleware(async (ctx) => {
            if (!succeeded(ctx.context.returned)) return;
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            const who = SIGN_IN_PATHS[ctx.path ?? ""]!(body);
            if (!who || typeof body.password !== "string") return;
            const [credential] = await db
              .select({ id: account.id, password: account.password })
              .from(account)
              .innerJoin(user, eq(account.userId, user.id))
              .where(and(who, eq(account.providerId, "credential"), eq(account.accountId, user.id)));
            if (!credential?.password || !needsRehash(credential.password)) return;
            await db
              .update(account)
              .set({ password: await hashPassword(body.password), updatedAt: new Date() })
              .where(and(eq(account.id, credential.id), eq(account.password, credential.password)));
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

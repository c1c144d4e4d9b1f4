import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { user, verification } from "../../../db/schema/index.js";

/**
 * Deletes every pending one-time secret that stands for this user: reset links and
 * delete-account links (valued by user id), emailed codes (named by address or user id),
 * magic links (their JSON value names the address), second-factor codes and SMS codes to the
 * account's number. Identifiers are Better Auth's own (reset-password, update-user, email-otp,
 * magic-link, two-factor, phone-number).
 */
async function revokeOneTimeSecrets(db: Db, userId: string, email: string, phoneNumber?: string | null) {
  const address = email.toLowerCase();
  const smsCode = phoneNumber ? `phone-number-otp-${phoneNumber}` : null;
  await db.delete(verification).where(sql`
    (${verification.value} = ${userId} and (${verification.identifier} like 'reset-password:%' or ${verification.identifier} like 'delete-account-%'))
    or ${verification.identifier} in (${`sign-in-otp-${address}`}, ${`email-verification-otp-${address}`}, ${`forget-password-otp-${address}`}, ${`2fa-otp-${userId}`}, ${smsCode})
    or starts_with(${verification.identifier}, ${`change-email-otp-${userId}:`})
    or (case when starts_with(${verification.identifier}, 'magic-link:') then lower(${verification.value}::jsonb ->> 'email') end) = ${address}`);
}

async function revokeFor(db: Db, userId: string) {
  const [row] = await db.select({ email: user.email, phoneNumber: user.phoneNumber }).from(user).where(eq(user.id, userId));
  if (row) await revokeOneTimeSecrets(db, userId, row.email, row.phoneNumber);
}

/** Session-owner changes: the signed-in user's own secrets die. */
const OWN_CHANGES = new Set(["/change-password", "/revoke-sessions", "/revoke-other-sessions", "/two-factor/enable", "/two-factor/disable"]);
/** Admin changes to another user, named by body.userId. */
const ADMIN_CHANGES = new Set(["/admin/set-user-password", "/admin/revoke-user-sessions"]);

const bodyField = (body: unknown, name: string) => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === "string" ? value : undefined;
};

/**
 * One-time secrets die when what they guard changes: the password (change, reset, admin set),
 * the address or phone number, the second factor, a revocation of sessions, or the use of a reset link
 * (which kills the user's other reset links).
 */
export function oneTimeSecrets(db: Db) {
  // The reset link's row is consumed by the time the reset succeeds: its owner is read before.
  const resetOwner = new WeakMap<object, string>();
  // Updates of the user row that set the address or number, between the before and after database hooks.
  const addressChanges = new WeakSet<object>();
  return {
    id: "keyway-one-time-secrets",
    init() {
      return {
        options: {
          databaseHooks: {
            user: {
              update: {
                before: async (data: Record<string, unknown>, context: unknown) => {
                  if ((typeof data.email === "string" || "phoneNumber" in data) && context && typeof context === "object") addressChanges.add(context);
                },
                after: async (changed: { id: string; email: string; phoneNumber?: string | null }, context: unknown) => {
                  if (!context || typeof context !== "object" || !addressChanges.has(context)) return;
                  addressChanges.delete(context);
                  await revokeOneTimeSecrets(db, changed.id, changed.email, changed.phoneNumber);
                },
              },
            },
          },
        },
      };
    },
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/reset-password",
          handler: createAuthMiddleware(async (ctx) => {
            const token = bodyField(ctx.body, "token");
            if (!token || !ctx.body) return;
            const found = await ctx.context.internalAdapter.findVerificationValue(`reset-password:${token}`);
            if (found) resetOwner.set(ctx.body, found.value);
          }),
        },
      ],
      after: [
        {
          matcher: (context) => context.path === "/reset-password" || OWN_CHANGES.has(context.path ?? "") || ADMIN_CHANGES.has(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            if (isAPIError(ctx.context.returned)) return;
            const path = ctx.path;
            const userId =
              path === "/reset-password"
                ? ctx.body && resetOwner.get(ctx.body)
                : ADMIN_CHANGES.has(path)
                  ? bodyField(ctx.body, "userId")
                  : ctx.context.session?.user.id;
            if (userId) await revokeFor(db, userId);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

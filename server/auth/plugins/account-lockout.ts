import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { eq, sql } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { signInFailure, user } from "../../../db/schema/index.js";

export interface LockoutPolicy {
  /** Failed guesses (password, emailed code, second factor) allowed per account in one window. */
  maxFailures: number;
  windowSeconds: number;
}

export const ACCOUNT_LOCKOUT_ERROR_CODES = defineErrorCodes({
  ACCOUNT_TEMPORARILY_LOCKED: "Too many failed attempts for this account. Try again later.",
});

type Ctx = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

const TWO_FACTOR_COOKIE_NAME = "two_factor"; // better-auth/dist/plugins/two-factor/constant.mjs

const lower = (value: unknown) => (typeof value === "string" && value.trim() ? value.trim().toLowerCase() : undefined);

async function emailOfUsername(db: Db, username: string) {
  const [row] = await db.select({ email: user.email }).from(user).where(eq(user.username, username));
  return row?.email.toLowerCase() ?? `username:${username}`;
}

async function emailOfPhoneNumber(db: Db, phoneNumber: string) {
  const [row] = await db.select({ email: user.email }).from(user).where(eq(user.phoneNumber, phoneNumber));
  return row?.email.toLowerCase() ?? `phone:${phoneNumber}`;
}

async function emailOfSession(ctx: Ctx) {
  const session = await getSessionFromCtx(ctx).catch(() => null);
  return lower(session?.user.email);
}

/** The account of a pending two-factor challenge: the twoFactor plugin's signed cookie names its verification row. */
async function emailOfChallenge(ctx: Ctx) {
  const cookie = ctx.context.createAuthCookie(TWO_FACTOR_COOKIE_NAME);
  const identifier = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  if (!identifier) return emailOfSession(ctx);
  const record = await ctx.context.internalAdapter.findVerificationValue(identifier);
  const found = record ? await ctx.context.internalAdapter.findUserById(record.value) : null;
  return lower(found?.email);
}

const errorCode = (returned: unknown) => (isAPIError(returned) ? (returned.body as { code?: string } | undefined)?.code : undefined);

interface Guarded {
  /** The account a guess on this path is made against. */
  account: (ctx: Ctx) => Promise<string | undefined>;
  /** Whether the endpoint's answer says the guess was wrong. */
  failed: (returned: unknown) => boolean;
}

function guardedPaths(db: Db): Record<string, Guarded> {
  const wrongPassword = (returned: unknown) =>
    isAPIError(returned) && (returned.statusCode === 401 || errorCode(returned) === "INVALID_PASSWORD");
  const wrongCode = (returned: unknown) => isAPIError(returned) && ["INVALID_OTP", "INVALID_CODE", "INVALID_BACKUP_CODE"].includes(errorCode(returned) ?? "");
  const byBodyEmail = async (ctx: Ctx) => lower((ctx.body as { email?: unknown } | undefined)?.email);
  const bySession = (ctx: Ctx) => emailOfSession(ctx);
  const password = { account: bySession, failed: wrongPassword };
  const emailedCode = { account: byBodyEmail, failed: wrongCode };
  const secondFactor = { account: emailOfChallenge, failed: wrongCode };
  const byBodyPhone = async (ctx: Ctx) => {
    const phoneNumber = (ctx.body as { phoneNumber?: unknown } | undefined)?.phoneNumber;
    return typeof phoneNumber === "string" && phoneNumber ? emailOfPhoneNumber(db, phoneNumber) : undefined;
  };
  return {
    "/sign-in/email": { account: byBodyEmail, failed: wrongPassword },
    "/sign-in/username": {
      account: async (ctx) => {
        const username = lower((ctx.body as { username?: unknown } | undefined)?.username);
        return username ? emailOfUsername(db, username) : undefined;
      },
      failed: wrongPassword,
    },
    "/change-password": password,
    "/two-factor/enable": password,
    "/two-factor/disable": password,
    "/delete-user": password,
    "/sign-in/email-otp": emailedCode,
    "/email-otp/verify-email": emailedCode,
    "/email-otp/check-verification-otp": emailedCode,
    "/email-otp/reset-password": emailedCode,
    "/sign-in/phone-number": { account: byBodyPhone, failed: wrongPassword },
    // A code proving a new number for the signed-in account counts against that account.
    "/phone-number/verify": {
      account: (ctx) => ((ctx.body as { updatePhoneNumber?: unknown } | undefined)?.updatePhoneNumber === true ? bySession(ctx) : byBodyPhone(ctx)),
      failed: wrongCode,
    },
    "/two-factor/verify-totp": secondFactor,
    "/two-factor/verify-otp": secondFactor,
    "/two-factor/verify-backup-code": secondFactor,
  };
}

/**
 * One per-account budget of failed guesses, shared by every instance through the database and
 * by every path that checks a secret of the account: password sign-in by email or username,
 * password checks made with a session, emailed and SMS codes (whose re-sends would otherwise reset
 * their own count) and second-factor codes. Once spent, every such path refuses (429 with
 * Retry-After), the right secret too, until the window ends; a sign-in that opens a session
 * clears the count.
 */
export function accountLockout(db: Db, policy: LockoutPolicy) {
  const windowStart = sql`now() - make_interval(secs => ${policy.windowSeconds})`;
  const paths = guardedPaths(db);
  const guarded = (context: { path?: string }) => !!context.path && context.path in paths;
  const accountKey = new WeakMap<object, string | undefined>();
  const keyOf = async (ctx: Ctx) => {
    if (!accountKey.has(ctx.context)) accountKey.set(ctx.context, await paths[ctx.path]!.account(ctx));
    return accountKey.get(ctx.context);
  };
  return {
    id: "keyway-account-lockout",
    $ERROR_CODES: ACCOUNT_LOCKOUT_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: guarded,
          handler: createAuthMiddleware(async (ctx) => {
            const email = await keyOf(ctx);
            if (!email) return;
            const [row] = await db
              .select({
                count: signInFailure.count,
                retryAfter: sql<number>`ceil(extract(epoch from ${signInFailure.windowStart} + make_interval(secs => ${policy.windowSeconds}) - now()))::int`,
              })
              .from(signInFailure)
              .where(sql`${signInFailure.email} = ${email} and ${signInFailure.windowStart} > ${windowStart}`);
            if (row && row.count >= policy.maxFailures) {
              const { message, code } = ACCOUNT_LOCKOUT_ERROR_CODES.ACCOUNT_TEMPORARILY_LOCKED;
              throw new APIError("TOO_MANY_REQUESTS", { message, code }, { "retry-after": String(Math.max(1, row.retryAfter)) });
            }
          }),
        },
      ],
      after: [
        {
          matcher: guarded,
          handler: createAuthMiddleware(async (ctx) => {
            const email = await keyOf(ctx);
            if (!email) return;
            const returned = ctx.context.returned;
            if (paths[ctx.path]!.failed(returned)) {
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
            } else if (!isAPIError(returned) && ctx.context.newSession) {
              // Only a sign-in that opened a session clears the count: a password answered with a
              // pending second factor does not, or it would reset the budget for code guesses.
              await db.delete(signInFailure).where(eq(signInFailure.email, email));
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

import { timingSafeEqual } from "node:crypto";
import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { phoneNumber } from "better-auth/plugins";
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import type { SmsSender } from "../../sms/sender.js";
import { API_KEY_HEADER } from "../auth-headers.js";
import { FRESH_SESSION_ERROR_CODES, isFresh } from "./fresh-session.js";
import { IMPERSONATION_ERROR_CODES } from "./impersonation.js";

/** Beside Better Auth's phone-number plugin's own codes. */
export const PHONE_NUMBER_ERROR_CODES = defineErrorCodes({
  PHONE_NUMBER_NOT_REGISTERED: "No account has this phone number. Sign in another way and add the number to your account.",
});

const CODE_SECONDS = 5 * 60;
const ALLOWED_ATTEMPTS = 3;

/** Phone endpoints keyway does not offer: a reset code by SMS would be a second, weaker way around the password. */
export const PHONE_PATHS_NOT_OFFERED = ["/phone-number/request-password-reset", "/phone-number/reset-password"];
/** Every phone endpoint, for turning phone sign-in off. */
export const PHONE_PATHS = ["/sign-in/phone-number", "/phone-number/send-otp", "/phone-number/verify", ...PHONE_PATHS_NOT_OFFERED];

/** True for a number in canonical E.164 form (`+` and digits, no spaces) that is a valid number of its country. */
function isE164PhoneNumber(value: string): boolean {
  const parsed = parsePhoneNumberFromString(value);
  return !!parsed && parsed.isValid() && parsed.number === value;
}

type Ctx = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

const body = (ctx: Ctx) => (ctx.body ?? {}) as Record<string, unknown>;

/** Attaching a number (verify with updatePhoneNumber) or removing it (update-user with phoneNumber: null). */
const changesPhoneNumber = (ctx: Ctx) =>
  (ctx.path === "/phone-number/verify" && body(ctx).updatePhoneNumber === true) ||
  (ctx.path === "/update-user" && "phoneNumber" in body(ctx) && body(ctx).phoneNumber === null);

const sameCode = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * The plugin answers the right code for a number no account has with a 500. That code is
 * spent and refused here instead; a wrong one goes on to the plugin, which counts it.
 */
async function refuseUnknownNumber(ctx: Ctx) {
  const { phoneNumber, code } = body(ctx);
  if (typeof phoneNumber !== "string" || typeof code !== "string") return;
  const owner = await ctx.context.adapter.findOne({ model: "user", where: [{ field: "phoneNumber", value: phoneNumber }] });
  if (owner) return;
  const identifier = `phone-number-otp-${phoneNumber}`; // the plugin's own, with `${code}:${attempts}` as value
  const pending = await ctx.context.internalAdapter.findVerificationValue(identifier);
  const [stored = "", attempts = "0"] = pending?.value.split(":") ?? [];
  // Spent, expired or wrong: the plugin refuses it (and counts a wrong one).
  if (!pending || pending.expiresAt < new Date() || Number(attempts) >= ALLOWED_ATTEMPTS || !sameCode(stored, code)) return;
  await ctx.context.internalAdapter.deleteVerificationByIdentifier(identifier);
  throw APIError.from("UNAUTHORIZED", PHONE_NUMBER_ERROR_CODES.PHONE_NUMBER_NOT_REGISTERED);
}

/**
 * Sign-in and verification by SMS code (Better Auth's phone-number plugin): 6 digits, valid 5
 * minutes, 3 guesses, and numbers in E.164 only. A number is attached only by proving it
 * (`/phone-number/verify` with `updatePhoneNumber`), which, like removing it, is a credential
 * change: refused to impersonations and API keys, and only from a fresh session.
 */
export function phoneSignIn(options: { sms: SmsSender; appName: string; freshAgeSeconds: number }) {
  const plugin = phoneNumber({
    otpLength: 6,
    expiresIn: CODE_SECONDS,
    allowedAttempts: ALLOWED_ATTEMPTS,
    requireVerification: true,
    phoneNumberValidator: isE164PhoneNumber,
    sendOTP: ({ phoneNumber: to, code }) =>
      options.sms.send({ to, body: `${code} is your ${options.appName} code. It expires in ${CODE_SECONDS / 60} minutes.` }),
  });
  const guard = {
    id: "keyway-phone-number",
    $ERROR_CODES: PHONE_NUMBER_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => context.path === "/phone-number/verify" || context.path === "/update-user",
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.path === "/phone-number/verify" && !changesPhoneNumber(ctx)) return refuseUnknownNumber(ctx);
            if (!changesPhoneNumber(ctx)) return;
            if (ctx.headers?.has(API_KEY_HEADER)) {
              throw APIError.from("FORBIDDEN", IMPERSONATION_ERROR_CODES.API_KEY_NOT_ALLOWED);
            }
            const current = await getSessionFromCtx(ctx, { disableCookieCache: true });
            if (!current) return;
            if ((current.session as { impersonatedBy?: string | null }).impersonatedBy) {
              throw APIError.from("FORBIDDEN", IMPERSONATION_ERROR_CODES.IMPERSONATION_SESSION);
            }
            if (!isFresh(current.session, options.freshAgeSeconds)) throw APIError.from("FORBIDDEN", FRESH_SESSION_ERROR_CODES.SESSION_NOT_FRESH);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
  return [plugin, guard] as const;
}

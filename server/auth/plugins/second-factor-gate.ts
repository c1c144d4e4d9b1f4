import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";
import { deleteSessionCookie, expireCookie } from "better-auth/cookies";
import { generateRandomString } from "better-auth/crypto";
import { createHMAC } from "@better-auth/utils/hmac";

// Better Auth's two-factor plugin (better-auth/dist/plugins/two-factor/constant.mjs), not exported.
const TWO_FACTOR_COOKIE_NAME = "two_factor";
const TRUST_DEVICE_COOKIE_NAME = "trust_device";
const DEFAULT_CHALLENGE_MAX_AGE = 600;
const DEFAULT_TRUST_DEVICE_MAX_AGE = 30 * 24 * 60 * 60;

/**
 * Paths the two-factor plugin gates itself, where a new session is not a sign-in, or whose
 * sign-in is two factors by itself (a passkey used with user verification: server/auth/passkeys.ts).
 */
const ungated = (path: string) =>
  path === "/passkey/verify-authentication" ||
  path === "/sign-in/email" ||
  path === "/sign-in/username" ||
  path === "/sign-in/phone-number" ||
  path.startsWith("/two-factor/") ||
  path === "/admin/impersonate-user" ||
  path === "/admin/stop-impersonating";

type AfterContext = Parameters<Parameters<typeof createAuthMiddleware>[0]>[0];

interface TwoFactorOptions {
  twoFactorCookieMaxAge?: number;
  trustDeviceMaxAge?: number;
  totpOptions?: { disable?: boolean };
  otpOptions?: { sendOTP?: unknown };
}

const twoFactorOptions = (ctx: AfterContext) =>
  ((ctx.context.getPlugin("two-factor") as { options?: TwoFactorOptions } | null)?.options ?? {}) as TwoFactorOptions;

/** The plugin's own test: a signed cookie `hmac(userId!id)!id` naming a live verification row of this user. */
async function isTrustedDevice(ctx: AfterContext, userId: string, maxAge: number) {
  const cookie = ctx.context.createAuthCookie(TRUST_DEVICE_COOKIE_NAME, { maxAge });
  const value = await ctx.getSignedCookie(cookie.name, ctx.context.secret);
  const [token, identifier] = value ? value.split("!") : [];
  if (!token || !identifier) return false;
  if (token !== (await createHMAC("SHA-256", "base64urlnopad").sign(ctx.context.secret, `${userId}!${identifier}`))) return false;
  const record = await ctx.context.internalAdapter.findVerificationValue(identifier);
  return !!record && record.value === userId && record.expiresAt > new Date();
}

/** A request that already carried a live session of this user is not signing in (a refresh, a change of password). */
async function alreadySignedIn(ctx: AfterContext, userId: string) {
  const token = await ctx.getSignedCookie(ctx.context.authCookies.sessionToken.name, ctx.context.secret);
  if (!token) return false;
  const found = await ctx.context.internalAdapter.findSession(token);
  return !!found && found.session.userId === userId && found.session.expiresAt > new Date();
}

/** Where the two-factor page sends the user once the code is accepted: the flow's own redirect, on the web app only. */
function returnTo(ctx: AfterContext, appUrl: string) {
  const returned = ctx.context.returned;
  const location = isAPIError(returned) ? (returned.headers as Headers | undefined)?.get?.("location") : undefined;
  const headerLocation = location ?? ctx.context.responseHeaders?.get("location");
  if (!headerLocation) return "/";
  try {
    const target = new URL(headerLocation, appUrl);
    return target.origin === new URL(appUrl).origin ? `${target.pathname}${target.search}` : "/";
  } catch {
    return "/";
  }
}

const isRedirect = (ctx: AfterContext) => {
  const returned = ctx.context.returned;
  if (isAPIError(returned)) return returned.statusCode >= 300 && returned.statusCode < 400;
  return ctx.request?.method === "GET";
};

/**
 * With two-factor on, every endpoint that opens a session asks for the second factor, not only
 * the password sign-ins Better Auth's twoFactor plugin gates (magic link, email OTP, the
 * verification link, OAuth callbacks, PAT sign-in, and any endpoint added later). The new
 * session is deleted and the plugin's own pending challenge (its signed `two_factor` cookie and
 * verification rows) is set up, so `/two-factor/verify-*` finishes the sign-in as usual.
 * Register after twoFactor.
 */
export function secondFactorGate(options: { appUrl: string }) {
  return {
    id: "keyway-second-factor-gate",
    hooks: {
      after: [
        {
          matcher: (context: { path?: string }) => !ungated(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const created = ctx.context.newSession;
            if (!created?.user.twoFactorEnabled) return;
            const userId = created.user.id;
            const plugin = twoFactorOptions(ctx);
            const trustMaxAge = plugin.trustDeviceMaxAge ?? DEFAULT_TRUST_DEVICE_MAX_AGE;
            if (await isTrustedDevice(ctx, userId, trustMaxAge)) return;
            if (await alreadySignedIn(ctx, userId)) return;

            deleteSessionCookie(ctx, true);
            await ctx.context.internalAdapter.deleteSession(created.session.token);
            ctx.context.setNewSession(null);
            expireCookie(ctx, ctx.context.createAuthCookie(TRUST_DEVICE_COOKIE_NAME, { maxAge: trustMaxAge }));

            const maxAge = plugin.twoFactorCookieMaxAge ?? DEFAULT_CHALLENGE_MAX_AGE;
            const challengeCookie = ctx.context.createAuthCookie(TWO_FACTOR_COOKIE_NAME, { maxAge });
            const identifier = `2fa-${generateRandomString(20)}`;
            const expiresAt = new Date(Date.now() + maxAge * 1000);
            await ctx.context.internalAdapter.createVerificationValue({ value: userId, identifier, expiresAt });
            await ctx.context.internalAdapter.createVerificationValue({ value: "0", identifier: `2fa-attempts-${identifier}`, expiresAt });
            await ctx.setSignedCookie(challengeCookie.name, identifier, ctx.context.secret, challengeCookie.attributes);

            if (isRedirect(ctx)) {
              const page = new URL("/two-factor", options.appUrl);
              page.searchParams.set("returnTo", returnTo(ctx, options.appUrl));
              ctx.setHeader("location", page.toString());
              throw ctx.redirect(page.toString());
            }
            const twoFactorMethods: string[] = [];
            if (!plugin.totpOptions?.disable) {
              const secret = await ctx.context.adapter.findOne<{ verified?: boolean | null }>({
                model: "twoFactor",
                where: [{ field: "userId", value: userId }],
              });
              if (secret && secret.verified !== false) twoFactorMethods.push("totp");
            }
            if (plugin.otpOptions?.sendOTP) twoFactorMethods.push("otp");
            return ctx.json({ twoFactorRedirect: true, twoFactorMethods });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

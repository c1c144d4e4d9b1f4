import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { admin } from "better-auth/plugins";
import type { Redis } from "ioredis";
import type { Db } from "../../db/client.js";
import * as schema from "../../db/schema/index.js";
import type { Config } from "../config.js";
import type { Mailer } from "../mail/mailer.js";
import { accountLockout } from "./plugins/account-lockout.js";
import { secondFactorGate } from "./plugins/second-factor-gate.js";
import { oneTimeSecrets } from "./plugins/one-time-secrets.js";
import { linkConfirm } from "./plugins/link-confirm.js";
import { adminSafety } from "./plugins/admin-safety.js";
import { PASSWORD_LENGTH, passwordPolicy } from "./plugins/password-policy.js";
import { signInEvents } from "./plugins/sign-in-events.js";
import { profileImage } from "./plugins/profile-image.js";
import { emailOptions, emailPlugins } from "./email-flows.js";
import { apiKeyPlugin } from "./api-keys.js";
import { organizationPlugin } from "./organizations.js";
import { accountOptions, providerPlugins, socialProviders } from "./sign-in-providers.js";
import { requireFreshSession } from "./plugins/fresh-session.js";
import { IMPERSONATION_SECONDS, impersonationLimits } from "./plugins/impersonation.js";
import { absoluteLifetime } from "./session-lifetime.js";
import { sessionVersion } from "../session-fast-path/session-version.js";
import type { RecentChanges } from "../session-fast-path/recent-changes.js";
import { CLIENT_IP_HEADER } from "./auth-headers.js";
import { authLogger, type LogSink } from "./auth-logger.js";
import { auditLog } from "./plugins/audit-log.js";
import { thirdPartyJwt } from "./third-party-jwt.js";
import { redisRateLimits } from "./redis-rate-limits.js";
import { hashPassword, verifyPassword } from "./password-hash.js";
import { passwordRehash } from "./plugins/password-rehash.js";
import { PASSKEY_CHANGE_PATHS, passkeyPlugin } from "./passkeys.js";
import type { SmsSender } from "../sms/sender.js";
import { PHONE_PATHS, PHONE_PATHS_NOT_OFFERED, phoneSignIn } from "./plugins/phone-number.js";
import { breachedPasswords } from "./plugins/breached-passwords.js";
import { captchaCheck } from "./plugins/captcha.js";

export interface AuthDeps {
  mailer: Mailer;
  /** Rate-limit counters shared by several instances (sessions stay in PostgreSQL alone). */
  redis?: Redis;
  /** Receives Better Auth's own log lines. */
  log?: LogSink;
  /** Sends sign-in codes by SMS; without it there is no phone sign-in. */
  sms?: SmsSender;
  /** The change feed's record, which spares the cookie cache a query per read; without it every read asks the database. */
  changes?: RecentChanges;
}

const NO_SMS: SmsSender = {
  send: async () => {
    throw new Error("no SMS sender");
  },
};

const NO_LOG = { warn() {} };

export function createAuth(config: Config, db: Db, deps: AuthDeps) {
  const mail = emailOptions(config, deps.mailer);
  return betterAuth({
    appName: config.appName,
    baseURL: config.baseUrl,
    secret: config.authSecret,
    trustedOrigins: config.trustedOrigins,
    disabledPaths: config.phone.enabled && deps.sms ? PHONE_PATHS_NOT_OFFERED : PHONE_PATHS,
    database: drizzleAdapter(db, { provider: "pg", schema }),
    // One-time tokens (reset, magic link, OTP) stay in PostgreSQL, consumed atomically there.
    verification: { storeInDatabase: true },
    rateLimit: {
      enabled: config.rateLimit,
      // Shared by every instance: Redis when there is one, else the database.
      storage: "database",
      customStorage: deps.redis ? redisRateLimits(deps.redis, `${config.redisPrefix}rate-limit:`) : undefined,
      // Signing out needs a valid session and must work while the counters' Redis is down.
      customRules: {
        "/sign-out": false,
        // As tight as the email-code endpoints (3 a minute each).
        "/phone-number/send-otp": { window: 60, max: 3 },
        "/phone-number/verify": { window: 60, max: 3 },
      },
    },
    ...mail,
    socialProviders: socialProviders(config),
    account: accountOptions(),
    emailAndPassword: {
      ...mail.emailAndPassword,
      enabled: true,
      minPasswordLength: PASSWORD_LENGTH.min,
      maxPasswordLength: PASSWORD_LENGTH.max,
      // Every hash Better Auth makes (sign-up, reset, change, admin create and set-password) is Argon2id.
      password: { hash: hashPassword, verify: verifyPassword },
    },
    session: {
      // Sessions stay in PostgreSQL even with Redis: listing, admin and change notifications use them.
      storeSessionInDatabase: true,
      expiresIn: config.session.expiresIn,
      updateAge: config.session.updateAge,
      freshAge: config.session.freshAge,
      cookieCache: {
        enabled: config.session.cookieCache,
        maxAge: config.session.cookieCacheMaxAge,
        // Encrypted with the secret: the cookie tells its holder nothing about the session or user.
        strategy: "jwe",
        version: sessionVersion(db, deps.changes),
      },
    },
    databaseHooks: absoluteLifetime(config.session.absoluteLifetime),
    advanced: {
      // Better Auth turns its Origin/CSRF checks off when NODE_ENV=test; keep them on everywhere.
      disableOriginCheck: false,
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      cookiePrefix: config.cookies.prefix,
      // Secure (and the __Secure- prefix) follow from an https base URL.
      useSecureCookies: config.baseUrl.startsWith("https://"),
      defaultCookieAttributes: { sameSite: config.cookies.sameSite, httpOnly: true },
    },
    logger: authLogger(deps.log, config.logLevel === "silent"),
    telemetry: { enabled: false },
    // What is not a refusal is thrown to our mount, which logs it without the query's parameters
    // (left to itself, better-call prints the whole error, parameters and all, to stderr).
    onAPIError: { throw: true },
    plugins: [
      admin({ defaultRole: "user", adminRoles: ["admin"], impersonationSessionDuration: IMPERSONATION_SECONDS }),
      impersonationLimits(db),
      adminSafety(db),
      auditLog(db),
      signInEvents(),
      ...emailPlugins(config, deps.mailer),
      // After twoFactor: every other way in to a 2FA account asks for the second factor too.
      secondFactorGate({ appUrl: config.appUrl }),
      organizationPlugin(config, deps.mailer),
      ...providerPlugins(config, db),
      apiKeyPlugin(),
      passkeyPlugin(config),
      thirdPartyJwt(config, db),
      passwordPolicy(),
      ...(config.breachedPasswords.enabled
        ? [breachedPasswords({ ...config.breachedPasswords, length: PASSWORD_LENGTH, log: deps.log ?? NO_LOG })]
        : []),
      ...(config.captcha ? [captchaCheck(config.captcha)] : []),
      ...phoneSignIn({ sms: deps.sms ?? NO_SMS, appName: config.appName, freshAgeSeconds: config.session.freshAge }),
      profileImage(),
      accountLockout(db, config.lockout),
      passwordRehash(db),
      oneTimeSecrets(db),
      linkConfirm(),
      requireFreshSession(["/list-sessions", "/change-email", "/two-factor/enable", "/two-factor/disable", ...PASSKEY_CHANGE_PATHS], config.session.freshAge),
    ],
  });
}

export type Auth = ReturnType<typeof createAuth>;
export type AuthSession = NonNullable<Awaited<ReturnType<Auth["api"]["getSession"]>>>;

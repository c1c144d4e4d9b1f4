import { isIP } from "node:net";
import { z } from "zod";

const DEV_SECRET = "keyway-development-secret-not-for-production-use";

const csv = z
  .string()
  .optional()
  .transform((value) =>
    (value ?? "")
      .split(",")
      .map((item) => item.trim())
      .filter(Boolean),
  );

const flag = (fallback: boolean) =>
  z
    .enum(["true", "false", "1", "0"])
    .optional()
    .transform((value) => (value === undefined ? fallback : value === "true" || value === "1"));

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "production", "test"]).default("development").describe("`production` turns on Better Auth's checks, rate limits and email verification, and requires BETTER_AUTH_SECRET, BETTER_AUTH_URL, TRUSTED_ORIGINS and SMTP_URL (or MAIL_DISABLED=true)."),
    HOST: z.string().min(1).default("127.0.0.1").describe("Interface the HTTP server listens on."),
    PORT: z.coerce.number().int().min(0).max(65535).default(3000).describe("Port the HTTP server listens on."),
    DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional().describe("PostgreSQL connection URL; unset means the embedded PGlite database in DATA_DIR."),
    DATA_DIR: z.string().min(1).default("./.data").describe("Directory of the embedded PGlite database (used only without DATABASE_URL); one process holds it and the server shares it on the Unix socket DATA_DIR/socket (for the CLI and psql)."),
    REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional().describe("Redis URL for rate-limit counters shared by every instance; sessions stay in the database."),
    REDIS_PREFIX: z.string().min(1).max(64).default("keyway:").describe("Prefix of every key keyway writes to Redis, so deployments can share one server."),
    RATE_LIMIT: z.enum(["true", "false", "1", "0"]).optional().describe("Better Auth's rate limiter; on in production, off elsewhere, unless set."),
    DB_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10).describe("PostgreSQL connection pool size per instance."),
    BETTER_AUTH_SECRET: z.string().optional().describe("Secret that signs cookies and tokens; required in production, at least 32 characters."),
    BETTER_AUTH_URL: z.url({ protocol: /^https?$/ }).optional().describe("The service's public URL; required in production. Defaults to http://HOST:PORT."),
    TRUSTED_ORIGINS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).describe("Comma-separated frontend origins allowed to call with cookies (CORS and CSRF allowlist); required in production. The first one is where links in mail point."),
    TRUST_PROXY: flag(false).describe("Trust X-Forwarded-For and X-Request-Id from a reverse proxy in front; turn on only when clients cannot reach the instances directly."),
    COOKIE_PREFIX: z.string().regex(/^[a-z0-9-]{1,32}$/i, "must be 1-32 letters, digits or dashes").default("better-auth").describe("Prefix of the session cookies' names."),
    COOKIE_SAME_SITE: z.enum(["lax", "strict", "none"]).default("lax").describe("SameSite attribute of the session cookies; `none` needs an https BETTER_AUTH_URL."),
    SESSION_EXPIRES_IN: z.coerce.number().int().positive().default(7 * 24 * 60 * 60).describe("Seconds a session lives without use."),
    SESSION_UPDATE_AGE: z.coerce.number().int().nonnegative().default(24 * 60 * 60).describe("Seconds after which a used session's expiry slides forward."),
    SESSION_COOKIE_CACHE: flag(true).describe("Better Auth's session-data cookie, encrypted (JWE) with BETTER_AUTH_SECRET: when the per-instance session cache misses, it answers without a database read as long as the change feed vouches that its session and user have not changed since (otherwise one query checks it)."),
    SESSION_COOKIE_CACHE_MAX_AGE: z.coerce.number().int().positive().default(5 * 60).describe("Seconds a session-data cookie lives; the change feed remembers changes this long plus 10 s, and an instance trusts cookies read before its feed (re)connected only after that."),
    SESSION_ABSOLUTE_LIFETIME: z.coerce.number().int().positive().default(30 * 24 * 60 * 60).describe("Seconds after sign-in when a session ends however much it is used."),
    SESSION_FRESH_AGE: z.coerce.number().int().min(0).default(60 * 60).describe("Seconds after sign-in during which sensitive operations (sessions list, email change, passkeys) are allowed without signing in again."),
    SESSION_FAST_PATH_TTL: z.coerce.number().int().min(0).max(3600).default(300).describe("Seconds an entry of the per-instance session cache lives at most (0 turns the cache off)."),
    SESSION_FAST_PATH_MAX_ENTRIES: z.coerce.number().int().min(1).default(50_000).describe("Entries the per-instance session cache holds at most."),
    LOCKOUT_MAX_FAILURES: z.coerce.number().int().min(1).default(10).describe("Failed secrets (password, code, second factor) per account within the window before the account is locked."),
    LOCKOUT_WINDOW_SECONDS: z.coerce.number().int().min(1).default(15 * 60).describe("Window of the per-account lockout, in seconds."),
    SWEEP_INTERVAL_SECONDS: z.coerce.number().int().min(0).default(10 * 60).describe("Seconds between sweeps of expired sessions, tokens and old mail (0 = never; `npm run keyway -- sweep` runs one)."),
    SWEEP_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(1_000).describe("Rows a sweep deletes per statement."),
    SWEEP_SENT_MAIL_DAYS: z.coerce.number().int().min(1).default(7).describe("Days delivered mail stays in the outbox."),
    SWEEP_FAILED_MAIL_DAYS: z.coerce.number().int().min(1).default(30).describe("Days mail that could not be delivered stays in the outbox."),
    MIGRATE_ON_START: flag(true).describe("Apply pending migrations at start; turn off when `npm run keyway -- migrate` runs as its own step."),
    METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional().describe("Port of the Prometheus metrics listener; unset means no metrics."),
    METRICS_HOST: z.string().min(1).default("127.0.0.1").describe("Interface of the metrics listener."),
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe("OpenTelemetry collector base URL (OTLP/HTTP; spans go to its /v1/traces); unset means no tracing. The SDK's other standard OTEL_EXPORTER_OTLP_* and OTEL_BSP_* variables apply."),
    OTEL_SERVICE_NAME: z.string().min(1).default("keyway").describe("`service.name` of the spans this instance exports."),
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).max(60_000).default(2_000).describe("Milliseconds new requests get 503 after SIGTERM before the listener closes."),
    APP_NAME: z.string().min(1).max(64).default("keyway").describe("Name shown in authenticator apps, passkey prompts and mail."),
    PASSKEY_RP_ID: z
      .string()
      .regex(/^[a-z0-9.-]+$/i, "must be a domain name")
      .optional()
      .describe("The domain passkeys are bound to (WebAuthn RP ID); defaults to BETTER_AUTH_URL's host, and must not be an IP address."),
    PASSKEY_RP_NAME: z.string().min(1).max(64).optional().describe("The name authenticators show for this site when a passkey is made; defaults to APP_NAME."),
    PASSKEY_ORIGINS: csv
      .pipe(z.array(z.url({ protocol: /^https?$/ })))
      .describe("Origins of the pages allowed to use passkeys (comma-separated); defaults to the trusted origins on the RP ID's domain."),
    SMTP_URL: z.url({ protocol: /^smtps?$/ }).optional().describe("SMTP server for mail (smtp:// or smtps://); unset in development means the development outbox."),
    MAIL_FROM: z.string().min(3).default("keyway <no-reply@localhost>").describe("From address of keyway's mail."),
    MAIL_DISABLED: flag(false).describe("Send no mail at all (needs REQUIRE_EMAIL_VERIFICATION=false)."),
    MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(8).describe("Delivery attempts per message before it is marked failed."),
    MAIL_RETRY_BASE_SECONDS: z.coerce.number().positive().default(30).describe("Wait before the first retry; each further retry doubles it."),
    MAIL_RETRY_MAX_SECONDS: z.coerce.number().positive().default(60 * 60).describe("Longest wait between two delivery attempts."),
    MAIL_SEND_TIMEOUT_SECONDS: z.coerce.number().positive().max(300).default(20).describe("Seconds one SMTP delivery may take."),
    REQUIRE_EMAIL_VERIFICATION: z.enum(["true", "false", "1", "0"]).optional().describe("Refuse password sign-in until the address is verified; on in production, off elsewhere, unless set."),
    GITHUB_CLIENT_ID: z.string().min(1).optional().describe("GitHub OAuth app's client id (with GITHUB_CLIENT_SECRET) for \"Sign in with GitHub\"."),
    GITHUB_CLIENT_SECRET: z.string().min(1).optional().describe("GitHub OAuth app's client secret."),
    GITHUB_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.github.com").describe("GitHub API base URL, for GitHub personal-access-token sign-in."),
    GOOGLE_CLIENT_ID: z.string().min(1).optional().describe("Google OAuth client id (with GOOGLE_CLIENT_SECRET) for \"Sign in with Google\"."),
    GOOGLE_CLIENT_SECRET: z.string().min(1).optional().describe("Google OAuth client secret."),
    OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional().describe("Issuer URL of a generic OpenID Connect provider (with OIDC_CLIENT_ID and OIDC_CLIENT_SECRET)."),
    OIDC_CLIENT_ID: z.string().min(1).optional().describe("Client id at the OpenID Connect provider."),
    OIDC_CLIENT_SECRET: z.string().min(1).optional().describe("Client secret at the OpenID Connect provider."),
    OIDC_TRUSTED_FOR_LINKING: flag(false).describe("Whether the OIDC issuer's email_verified: true may attach its identity to an existing account."),
    SERVICES_JSON: z.string().optional().describe("JSON list of backend services allowed to call the `service` router, with their public keys."),
    SERVICES_FILE: z.string().optional().describe("Path of a file holding the same list as SERVICES_JSON."),
    SERVICE_AUDIENCE: z.string().min(1).default("service:keyway").describe("Audience (`aud`) that service tokens must name."),
    JWT_ALGORITHM: z.enum(["RS256", "ES256", "EdDSA"]).default("RS256").describe("Signing algorithm of the JWTs from /api/auth/token; RS256 is the one every common JWT library verifies, and a change keeps the old key in the JWKS until its tokens have expired."),
    JWT_EXPIRES_IN: z.coerce.number().int().min(30).max(24 * 60 * 60).default(15 * 60).describe("Seconds a JWT from /api/auth/token is valid."),
    JWT_KEY_ROTATION_DAYS: z.coerce.number().min(0).default(30).describe("Days a JWT signing key signs before a new one replaces it (0 = never); a replaced key stays in the JWKS until its last token has expired."),
    BODY_LIMIT: z.coerce.number().int().positive().default(1024 * 1024).describe("Largest request body accepted, in bytes."),
    TRPC_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(500).default(50).describe("Calls one tRPC batch may hold."),
    SELF_SERVICE_WRITES_PER_MINUTE: z.coerce.number().int().min(1).default(30).describe("Profile, settings, key and session changes each account may make per minute."),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).optional().describe("pino log level; defaults to info (silent only under NODE_ENV=test)."),
    LOG_FORMAT: z.enum(["json", "pretty"]).optional().describe("`json` (one pino object per line, for log collectors) or `pretty` (readable lines); pretty under NODE_ENV=development, json otherwise."),
    PHONE_SIGN_IN: z
      .enum(["true", "false", "1", "0"])
      .optional()
      .describe("Sign-in and verification by SMS code; on by default outside production, and in production once Twilio is configured."),
    TWILIO_ACCOUNT_SID: z.string().min(1).optional().describe("Twilio account SID: with TWILIO_AUTH_TOKEN and TWILIO_FROM, SMS codes go out through Twilio."),
    TWILIO_AUTH_TOKEN: z.string().min(1).optional().describe("Twilio auth token (the password of the account SID's basic auth)."),
    TWILIO_FROM: z.string().min(1).optional().describe("Sender of the SMS codes: a Twilio phone number in E.164 form or a messaging service SID."),
    TWILIO_API_URL: z.url({ protocol: /^https?$/ }).default("https://api.twilio.com").describe("Base URL of Twilio's REST API."),
    HIBP_CHECK: z
      .enum(["true", "false", "1", "0"])
      .optional()
      .describe("Refuse new passwords found in Have I Been Pwned's breach corpus; on in production, off elsewhere, unless set."),
    HIBP_BASE_URL: z.url({ protocol: /^https?$/ }).default("https://api.pwnedpasswords.com").describe("Base URL of Have I Been Pwned's k-anonymity range API."),
    HIBP_FAIL_CLOSED: flag(false).describe("When the breach check cannot reach its API, refuse the password (503) instead of accepting it with a warning."),
    CAPTCHA_PROVIDER: z
      .enum(["cloudflare-turnstile", "hcaptcha", "google-recaptcha"])
      .optional()
      .describe("Captcha on sign-up, sign-in, code and link requests and password-reset requests; off when unset."),
    CAPTCHA_SECRET_KEY: z.string().min(1).optional().describe("The captcha provider's secret key (server side)."),
    CAPTCHA_SITE_KEY: z.string().min(1).optional().describe("The captcha provider's site key, published to the web app by GET /api/auth-config."),
    CAPTCHA_VERIFY_URL: z.url({ protocol: /^https?$/ }).optional().describe("The provider's siteverify URL, to override its default (tests point it at a stand-in)."),
  })
  .superRefine((env, ctx) => {
    if (env.COOKIE_SAME_SITE === "none" && !env.BETTER_AUTH_URL?.startsWith("https://")) {
      ctx.addIssue({ code: "custom", path: ["COOKIE_SAME_SITE"], message: "none needs an https BETTER_AUTH_URL (SameSite=None cookies must be Secure)" });
    }
    for (const [name, parts] of Object.entries({
      GITHUB: [env.GITHUB_CLIENT_ID, env.GITHUB_CLIENT_SECRET],
      GOOGLE: [env.GOOGLE_CLIENT_ID, env.GOOGLE_CLIENT_SECRET],
      OIDC: [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET],
    })) {
      if (parts.some(Boolean) && !parts.every(Boolean)) {
        ctx.addIssue({ code: "custom", path: [`${name}_*`], message: "set all of this provider's variables, or none" });
      }
    }
    if (env.PASSKEY_RP_ID && isIP(env.PASSKEY_RP_ID)) {
      ctx.addIssue({ code: "custom", path: ["PASSKEY_RP_ID"], message: "must be a domain name: WebAuthn refuses IP addresses" });
    }
    const rpId = (env.PASSKEY_RP_ID ?? (env.BETTER_AUTH_URL && URL.canParse(env.BETTER_AUTH_URL) ? new URL(env.BETTER_AUTH_URL).hostname : undefined))?.toLowerCase();
    for (const origin of rpId ? env.PASSKEY_ORIGINS.filter((url) => URL.canParse(url)) : []) {
      if (!onRpId(origin, rpId!)) ctx.addIssue({ code: "custom", path: ["PASSKEY_ORIGINS"], message: `${origin} is not on ${rpId} or one of its subdomains` });
    }
    const twilio = [env.TWILIO_ACCOUNT_SID, env.TWILIO_AUTH_TOKEN, env.TWILIO_FROM];
    if (twilio.some(Boolean) && !twilio.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_*"], message: "set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM, or none" });
    }
    if (env.NODE_ENV === "production" && (env.PHONE_SIGN_IN === "true" || env.PHONE_SIGN_IN === "1") && !twilio.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["PHONE_SIGN_IN"], message: "needs TWILIO_* in production (codes would reach nobody)" });
    }
    const captcha = [env.CAPTCHA_PROVIDER, env.CAPTCHA_SECRET_KEY, env.CAPTCHA_SITE_KEY];
    if (captcha.some(Boolean) && !captcha.every(Boolean)) {
      ctx.addIssue({ code: "custom", path: ["CAPTCHA_*"], message: "set CAPTCHA_PROVIDER, CAPTCHA_SECRET_KEY and CAPTCHA_SITE_KEY, or none" });
    }
    if (env.MAIL_DISABLED && env.SMTP_URL) {
      ctx.addIssue({ code: "custom", path: ["MAIL_DISABLED"], message: "contradicts SMTP_URL: set one of them" });
    }
    const verificationRequired =
      env.REQUIRE_EMAIL_VERIFICATION === undefined ? env.NODE_ENV === "production" : env.REQUIRE_EMAIL_VERIFICATION === "true" || env.REQUIRE_EMAIL_VERIFICATION === "1";
    if (env.MAIL_DISABLED && verificationRequired) {
      ctx.addIssue({ code: "custom", path: ["MAIL_DISABLED"], message: "needs REQUIRE_EMAIL_VERIFICATION=false (nobody could confirm an address)" });
    }
    if (env.NODE_ENV !== "production") return;
    if (!env.SMTP_URL && !env.MAIL_DISABLED) {
      ctx.addIssue({
        code: "custom",
        path: ["SMTP_URL"],
        message: "is required in production (or MAIL_DISABLED=true to send no mail at all)",
      });
    }
    if (!env.BETTER_AUTH_SECRET) {
      ctx.addIssue({ code: "custom", path: ["BETTER_AUTH_SECRET"], message: "is required in production" });
    } else if (env.BETTER_AUTH_SECRET.length < 32) {
      ctx.addIssue({ code: "custom", path: ["BETTER_AUTH_SECRET"], message: "must be at least 32 characters" });
    }
    if (!env.BETTER_AUTH_URL) {
      ctx.addIssue({ code: "custom", path: ["BETTER_AUTH_URL"], message: "is required in production" });
    }
    if (env.TRUSTED_ORIGINS.length === 0) {
      ctx.addIssue({ code: "custom", path: ["TRUSTED_ORIGINS"], message: "is required in production" });
    }
  });

/** Whether a page of `origin` may use passkeys of `rpId`: its host is the RP ID or a subdomain of it. */
function onRpId(origin: string, rpId: string) {
  const host = new URL(origin).hostname.toLowerCase();
  return host === rpId || host.endsWith(`.${rpId}`);
}

type Env = z.infer<typeof envSchema>;

/** SMS sign-in: through Twilio when configured, else (outside production) into the development outbox. */
function phoneOptions(e: Env) {
  const twilio =
    e.TWILIO_ACCOUNT_SID && e.TWILIO_AUTH_TOKEN && e.TWILIO_FROM
      ? { accountSid: e.TWILIO_ACCOUNT_SID, authToken: e.TWILIO_AUTH_TOKEN, from: e.TWILIO_FROM, apiUrl: e.TWILIO_API_URL.replace(/\/+$/, "") }
      : undefined;
  const enabled = e.PHONE_SIGN_IN === undefined ? !!twilio || e.NODE_ENV !== "production" : e.PHONE_SIGN_IN === "true" || e.PHONE_SIGN_IN === "1";
  return { enabled, twilio };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export type Config = ReturnType<typeof loadConfig>;

/** The WebAuthn relying party: its domain, the name authenticators show, and the pages' origins. */
function passkeyParty(e: z.infer<typeof envSchema>, baseUrl: string) {
  const rpId = (e.PASSKEY_RP_ID ?? new URL(baseUrl).hostname).toLowerCase();
  const trusted = [baseUrl, ...e.TRUSTED_ORIGINS].map((url) => new URL(url).origin);
  const origins = e.PASSKEY_ORIGINS.length > 0 ? e.PASSKEY_ORIGINS.map((url) => new URL(url).origin) : trusted.filter((origin) => onRpId(origin, rpId));
  return { rpId, rpName: e.PASSKEY_RP_NAME ?? e.APP_NAME, origins: [...new Set(origins)] };
}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "environment"} ${issue.message}`),
    );
  }
  const e = parsed.data;
  const baseUrl = e.BETTER_AUTH_URL ?? `http://${e.HOST === "0.0.0.0" ? "127.0.0.1" : e.HOST}:${e.PORT}`;
  const baseOrigin = new URL(baseUrl).origin;
  return {
    env: e.NODE_ENV,
    appName: e.APP_NAME,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM,
      /** Explicitly no mail: messages are dropped, never stored or logged. */
      disabled: e.MAIL_DISABLED,
      /** Delivery attempts per message; the n-th retry waits MAIL_RETRY_BASE_SECONDS × 2^(n-1). */
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseSeconds: e.MAIL_RETRY_BASE_SECONDS,
      /** No wait between two attempts is longer than this. */
      retryMaxSeconds: e.MAIL_RETRY_MAX_SECONDS,
      sendTimeoutSeconds: e.MAIL_SEND_TIMEOUT_SECONDS,
      /** On in production, off elsewhere, unless REQUIRE_EMAIL_VERIFICATION says otherwise. */
      requireEmailVerification:
        e.REQUIRE_EMAIL_VERIFICATION === undefined
          ? e.NODE_ENV === "production"
          : e.REQUIRE_EMAIL_VERIFICATION === "true" || e.REQUIRE_EMAIL_VERIFICATION === "1",
    },
    isProduction: e.NODE_ENV === "production",
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    dbPoolMax: e.DB_POOL_MAX,
    /** Off when migrations run as their own step (`keyway migrate`) before the replicas start. */
    migrateOnStart: e.MIGRATE_ON_START,
    /** Prometheus metrics on a listener of their own; off unless METRICS_PORT is set. */
    metrics: e.METRICS_PORT === undefined ? undefined : { host: e.METRICS_HOST, port: e.METRICS_PORT },
    /** OpenTelemetry traces to an OTLP/HTTP collector; off unless OTEL_EXPORTER_OTLP_ENDPOINT is set. */
    tracing: e.OTEL_EXPORTER_OTLP_ENDPOINT === undefined ? undefined : { serviceName: e.OTEL_SERVICE_NAME },
    redisUrl: e.REDIS_URL,
    /** Namespace of every key keyway writes to Redis, so deployments can share a server. */
    redisPrefix: e.REDIS_PREFIX,
    /** Better Auth's rate limits: on in production unless RATE_LIMIT=false. */
    rateLimit: e.RATE_LIMIT === undefined ? e.NODE_ENV === "production" : e.RATE_LIMIT === "true" || e.RATE_LIMIT === "1",
    authSecret: e.BETTER_AUTH_SECRET ?? DEV_SECRET,
    baseUrl,
    /** Origins allowed to call with cookies: the service itself plus TRUSTED_ORIGINS. */
    trustedOrigins: [...new Set([baseOrigin, ...e.TRUSTED_ORIGINS.map((url) => new URL(url).origin)])],
    /** Where invitation links point: the first trusted frontend, else the service itself. */
    appUrl: e.TRUSTED_ORIGINS[0] ? new URL(e.TRUSTED_ORIGINS[0]).origin : baseOrigin,
    passkey: passkeyParty(e, baseUrl),
    trustProxy: e.TRUST_PROXY,
    cookies: { prefix: e.COOKIE_PREFIX, sameSite: e.COOKIE_SAME_SITE },
    session: {
      expiresIn: e.SESSION_EXPIRES_IN,
      updateAge: e.SESSION_UPDATE_AGE,
      cookieCache: e.SESSION_COOKIE_CACHE,
      cookieCacheMaxAge: e.SESSION_COOKIE_CACHE_MAX_AGE,
      absoluteLifetime: e.SESSION_ABSOLUTE_LIFETIME,
      freshAge: e.SESSION_FRESH_AGE,
      fastPathTtl: e.SESSION_FAST_PATH_TTL,
      fastPathMaxEntries: e.SESSION_FAST_PATH_MAX_ENTRIES,
    },
    lockout: { maxFailures: e.LOCKOUT_MAX_FAILURES, windowSeconds: e.LOCKOUT_WINDOW_SECONDS },
    /** Deleting expired and spent rows: every `intervalSeconds` (0 = never), in batches. */
    sweep: {
      intervalSeconds: e.SWEEP_INTERVAL_SECONDS,
      policy: {
        batchSize: e.SWEEP_BATCH_SIZE,
        lockoutWindowSeconds: e.LOCKOUT_WINDOW_SECONDS,
        sentMailDays: e.SWEEP_SENT_MAIL_DAYS,
        failedMailDays: e.SWEEP_FAILED_MAIL_DAYS,
      },
    },
    /** How long new requests get 503 before the listener closes on SIGTERM. */
    shutdownDrainMs: e.SHUTDOWN_DRAIN_MS,
    oauth: {
      github: e.GITHUB_CLIENT_ID && e.GITHUB_CLIENT_SECRET ? { clientId: e.GITHUB_CLIENT_ID, clientSecret: e.GITHUB_CLIENT_SECRET } : undefined,
      google: e.GOOGLE_CLIENT_ID && e.GOOGLE_CLIENT_SECRET ? { clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET } : undefined,
      oidc:
        e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
          ? { issuer: e.OIDC_ISSUER, clientId: e.OIDC_CLIENT_ID, clientSecret: e.OIDC_CLIENT_SECRET, trustedForLinking: e.OIDC_TRUSTED_FOR_LINKING }
          : undefined,
      githubApiUrl: e.GITHUB_API_URL.replace(/\/+$/, ""),
    },
    /** Backend services allowed to call the `service` router, with their public keys. */
    services: { json: e.SERVICES_JSON, file: e.SERVICES_FILE, audience: e.SERVICE_AUDIENCE },
    /** JWTs for third parties (/api/auth/token). */
    jwt: { algorithm: e.JWT_ALGORITHM, expiresInSeconds: e.JWT_EXPIRES_IN, rotationSeconds: Math.round(e.JWT_KEY_ROTATION_DAYS * 24 * 60 * 60) },
    bodyLimit: e.BODY_LIMIT,
    trpcMaxBatchSize: e.TRPC_MAX_BATCH_SIZE,
    /** Profile, settings, key and session changes each account may make per minute. */
    selfServiceWritesPerMinute: e.SELF_SERVICE_WRITES_PER_MINUTE,
    logLevel: e.LOG_LEVEL ?? (e.NODE_ENV === "test" ? "silent" : "info"),
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === "development" ? "pretty" : "json"),
    phone: phoneOptions(e),
    breachedPasswords: {
      enabled: e.HIBP_CHECK === undefined ? e.NODE_ENV === "production" : e.HIBP_CHECK === "true" || e.HIBP_CHECK === "1",
      baseUrl: e.HIBP_BASE_URL.replace(/\/+$/, ""),
      failClosed: e.HIBP_FAIL_CLOSED,
    },
    captcha:
      e.CAPTCHA_PROVIDER && e.CAPTCHA_SECRET_KEY && e.CAPTCHA_SITE_KEY
        ? { provider: e.CAPTCHA_PROVIDER, secretKey: e.CAPTCHA_SECRET_KEY, siteKey: e.CAPTCHA_SITE_KEY, verifyUrl: e.CAPTCHA_VERIFY_URL }
        : undefined,
  };
}

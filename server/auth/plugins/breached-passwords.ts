import { createHash } from "node:crypto";
import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

export interface BreachedPasswordOptions {
  /** https://api.pwnedpasswords.com, or a stand-in speaking its range API. */
  baseUrl: string;
  /** Refuse (503) rather than accept a password that could not be checked. */
  failClosed: boolean;
  /** Passwords outside these lengths are refused by Better Auth, unchecked. */
  length: { min: number; max: number };
  log: { warn(fields: object, message: string): void };
}

/** Endpoints that set a password, with the body field that carries it. */
const PASSWORD_SETTERS: Record<string, "password" | "newPassword"> = {
  "/sign-up/email": "password",
  "/change-password": "newPassword",
  "/set-password": "newPassword",
  "/reset-password": "newPassword",
  "/email-otp/reset-password": "password",
  "/admin/create-user": "password",
  "/admin/set-user-password": "newPassword",
};

const CHECK_TIMEOUT_MS = 5_000;

export const BREACHED_PASSWORDS_ERROR_CODES = defineErrorCodes({
  PASSWORD_COMPROMISED: "This password has appeared in a data breach, so attackers try it first. Choose another.",
  PASSWORD_CHECK_UNAVAILABLE: "The password could not be checked against known breaches right now. Try again in a moment.",
});

/**
 * Asks Have I Been Pwned's range API whether the password is in a breach: only the first five
 * hex digits of its SHA-1 leave the server, and the answer is padded so its size says nothing.
 * Resolves undefined when the API cannot be reached or answers nonsense.
 */
async function timesBreached(baseUrl: string, password: string): Promise<number | undefined> {
  const sha1 = createHash("sha1").update(password).digest("hex").toUpperCase();
  const prefix = sha1.slice(0, 5);
  const suffix = sha1.slice(5);
  try {
    const response = await fetch(`${baseUrl}/range/${prefix}`, {
      headers: { "add-padding": "true", "user-agent": "keyway" },
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    for (const line of (await response.text()).split(/\r?\n/)) {
      const [hashSuffix, count] = line.split(":");
      if (hashSuffix?.trim().toUpperCase() === suffix) return Number.parseInt(count ?? "0", 10) || 0;
    }
    return 0;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a new password (sign-up, change, set, reset, admin create and set) that Have I Been
 * Pwned has seen in a breach. Padding entries carry a count of 0 and never match. When the API
 * cannot be reached the password is accepted with a warning, or refused with a 503 if
 * `failClosed`.
 */
export function breachedPasswords(options: BreachedPasswordOptions) {
  return {
    id: "keyway-breached-passwords",
    $ERROR_CODES: BREACHED_PASSWORDS_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => !!context.path && context.path in PASSWORD_SETTERS,
          handler: createAuthMiddleware(async (ctx) => {
            const password = (ctx.body as Record<string, unknown> | undefined)?.[PASSWORD_SETTERS[ctx.path]!];
            if (typeof password !== "string" || password.length < options.length.min || password.length > options.length.max) return;
            const count = await timesBreached(options.baseUrl, password);
            if (count === undefined) {
              options.log.warn({ path: ctx.path, failClosed: options.failClosed }, "breached-password check unavailable: Have I Been Pwned did not answer");
              if (!options.failClosed) return;
              const { message, code } = BREACHED_PASSWORDS_ERROR_CODES.PASSWORD_CHECK_UNAVAILABLE;
              throw new APIError("SERVICE_UNAVAILABLE", { message, code }, { "retry-after": "5" });
            }
            if (count > 0) throw APIError.from("BAD_REQUEST", BREACHED_PASSWORDS_ERROR_CODES.PASSWORD_COMPROMISED);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

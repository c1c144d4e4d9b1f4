import { dictionary } from "@zxcvbn-ts/language-common";
import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

/** Passwords of acceptable length that are among the most used (zxcvbn's common list). */
const COMMON = new Set(dictionary["passwords-common"].filter((password) => password.length >= 8));

export const PASSWORD_POLICY_ERROR_CODES = defineErrorCodes({
  PASSWORD_TOO_COMMON: "This password is one of the most common ones. Choose another.",
});

/** Every body field through which Better Auth accepts a new password. */
const PASSWORD_FIELDS = ["password", "newPassword"] as const;

/** Better Auth checks this length wherever a password is set; admins' inputs use the same bounds. */
export const PASSWORD_LENGTH = { min: 8, max: 128 } as const;

function isCommonPassword(password: string): boolean {
  return COMMON.has(password.normalize("NFKC").toLowerCase());
}

/**
 * Refuses very common passwords wherever a password is set. Length (PASSWORD_LENGTH) is
 * Better Auth's own check; there are no composition rules and nothing is truncated.
 */
export function passwordPolicy() {
  return {
    id: "keyway-password-policy",
    $ERROR_CODES: PASSWORD_POLICY_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => context.method === "POST",
          handler: createAuthMiddleware(async (ctx) => {
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            for (const field of PASSWORD_FIELDS) {
              const value = body[field];
              if (typeof value === "string" && isCommonPassword(value)) {
                throw APIError.from("BAD_REQUEST", PASSWORD_POLICY_ERROR_CODES.PASSWORD_TOO_COMMON);
              }
            }
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import { eq } from "drizzle-orm";
import type { Db } from "../../../db/client.js";
import { session } from "../../../db/schema/index.js";
import { API_KEY_HEADER } from "../auth-headers.js";

/** How long an admin's impersonation of a user lasts, from its start; it is never refreshed past that. */
export const IMPERSONATION_SECONDS = 60 * 60;

/** Endpoints that change how an account signs in, or mint a credential of its own. */
const CREDENTIAL_PATHS = new Set([
  "/change-password",
  "/set-password",
  "/change-email",
  "/delete-user",
  "/two-factor/enable",
  "/two-factor/disable",
  "/two-factor/get-totp-uri",
  "/two-factor/generate-backup-codes",
  "/two-factor/view-backup-codes",
  "/api-key/create",
  "/api-key/update",
  "/api-key/delete",
  "/link-social",
  "/unlink-account",
  "/passkey/generate-register-options",
  "/passkey/verify-registration",
  "/passkey/update-passkey",
  "/passkey/delete-passkey",
]);

/** Admin actions after which their target may no longer be an admin behind an impersonation. */
const ENDS_ADMIN_POWER = new Set(["/admin/ban-user", "/admin/remove-user", "/admin/set-role", "/admin/update-user"]);

export const IMPERSONATION_ERROR_CODES = defineErrorCodes({
  IMPERSONATION_SESSION: "An impersonation session cannot change credentials or create keys",
  API_KEY_NOT_ALLOWED: "An API key cannot change credentials or create keys",
});

/**
 * Impersonation and API keys act for a user without being them: neither may change how the
 * account signs in or mint keys, and an admin who is banned, removed or demoted ends every
 * impersonation they started.
 */
export function impersonationLimits(db: Db) {
  return {
    id: "keyway-impersonation-limits",
    $ERROR_CODES: IMPERSONATION_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => CREDENTIAL_PATHS.has(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            if (ctx.headers?.has(API_KEY_HEADER)) {
              throw APIError.from("FORBIDDEN", IMPERSONATION_ERROR_CODES.API_KEY_NOT_ALLOWED);
            }
            const current = await getSessionFromCtx(ctx, { disableCookieCache: true });
            if (current?.session.impersonatedBy) {
              throw APIError.from("FORBIDDEN", IMPERSONATION_ERROR_CODES.IMPERSONATION_SESSION);
            }
          }),
        },
      ],
      after: [
        {
          matcher: (context) => ENDS_ADMIN_POWER.has(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const userId = (ctx.body as { userId?: unknown } | undefined)?.userId;
            if (typeof userId !== "string" || isAPIError(ctx.context.returned)) return;
            // An impersonation checks its admin on every call; this also removes the rows.
            await db.delete(session).where(eq(session.impersonatedBy, userId));
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

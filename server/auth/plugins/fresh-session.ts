import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { API_KEY_HEADER } from "../auth-headers.js";

/** A session is fresh when its sign-in happened within `freshAgeSeconds`. */
export function isFresh(session: { createdAt: Date | string }, freshAgeSeconds: number): boolean {
  return Date.now() - new Date(session.createdAt).getTime() <= freshAgeSeconds * 1000;
}

export const FRESH_SESSION_ERROR_CODES = defineErrorCodes({
  SESSION_NOT_FRESH: "Sign in again to continue",
});

/** Better Auth endpoints that Better Auth itself does not gate on a fresh session. */
export function requireFreshSession(paths: string[], freshAgeSeconds: number) {
  return {
    id: "keyway-fresh-session",
    $ERROR_CODES: FRESH_SESSION_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => paths.includes(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const current = await getSessionFromCtx(ctx, { disableCookieCache: true });
            // An impersonation or an API key is never a recent sign-in of the account's owner.
            const stale = current && ((current.session as { impersonatedBy?: string | null }).impersonatedBy || !isFresh(current.session, freshAgeSeconds));
            if (stale || ctx.headers?.has(API_KEY_HEADER)) throw APIError.from("FORBIDDEN", FRESH_SESSION_ERROR_CODES.SESSION_NOT_FRESH);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

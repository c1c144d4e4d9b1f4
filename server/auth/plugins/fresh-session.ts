import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { API_KEY_HEADER } from "../auth-headers.js";

/** A session is fresh when its sign-in happened within `freshAgeSeconds`. */
export function isFresh(session: { createdAt: Date | string }, freshAgeSeconds: number): boolean {
  return Date.now() - new Date(session.createdAt).getTime() <= freshAgeSeconds * 1000;
}

export const NOT_FRESH = { code: "SESSION_NOT_FRESH", message: "Sign in again to continue" } as const;

/** Better Auth endpoints that Better Auth itself does not gate on a fresh session. */
export function requireFreshSession(paths: string[], freshAgeSeconds: number) {
  return {
    id: "keyway-fresh-session",
    hooks: {
      before: [
        {
          matcher: (context) => paths.includes(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const current = await getSessionFromCtx(ctx, { disableCookieCache: true });
            // An impersonation or an API key is never a recent sign-in of the account's owner.
            const stale = current && ((current.session as { impersonatedBy?: string | null }).impersonatedBy || !isFresh(current.session, freshAgeSeconds));
            if (stale || ctx.headers?.has(API_KEY_HEADER)) throw new APIError("FORBIDDEN", NOT_FRESH);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

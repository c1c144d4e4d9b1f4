import { channel } from "node:diagnostics_channel";
import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, isAPIError } from "better-auth/api";

/** Published once per sign-in attempt that reaches Better Auth's endpoint; metrics.ts counts them. */
export const SIGN_IN_CHANNEL = "keyway:sign-in";
export interface SignInEvent {
  method: string;
  outcome: "success" | "failure" | "second_factor_required";
}

const METHOD_OF_PATH: Record<string, string> = {
  "/sign-in/email": "email",
  "/sign-in/username": "username",
  "/sign-in/email-otp": "email_otp",
  "/callback/:id": "oauth",
  "/oauth2/callback/:providerId": "oauth",
  "/passkey/verify-authentication": "passkey",
  "/two-factor/verify-totp": "totp",
  "/two-factor/verify-otp": "two_factor_otp",
  "/two-factor/verify-backup-code": "backup_code",
};

const signIns = channel(SIGN_IN_CHANNEL);

function outcomeOf(returned: unknown): SignInEvent["outcome"] {
  let location: string | null | undefined;
  if (isAPIError(returned)) {
    // OAuth callbacks answer with a redirect; an error is in its query.
    if (returned.statusCode >= 400) return "failure";
    location = (returned.headers as Headers | undefined)?.get?.("location");
  } else if (returned instanceof Response) {
    if (returned.status >= 400) return "failure";
    location = returned.headers.get("location");
  } else if (returned && typeof returned === "object" && (returned as { twoFactorRedirect?: unknown }).twoFactorRedirect) {
    return "second_factor_required";
  }
  return location && /[?&]error=/.test(location) ? "failure" : "success";
}

/** Announces each sign-in's method and outcome (never who) on SIGN_IN_CHANNEL. */
export function signInEvents() {
  return {
    id: "keyway-sign-in-events",
    hooks: {
      after: [
        {
          matcher: (context) => (context.path ?? "") in METHOD_OF_PATH,
          handler: createAuthMiddleware(async (ctx) => {
            if (!signIns.hasSubscribers) return;
            const event: SignInEvent = { method: METHOD_OF_PATH[ctx.path ?? ""]!, outcome: outcomeOf(ctx.context.returned) };
            signIns.publish(event);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

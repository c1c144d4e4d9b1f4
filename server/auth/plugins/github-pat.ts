import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthEndpoint } from "better-auth/api";
import { setSessionCookie } from "better-auth/cookies";
import { ADMIN_ERROR_CODES } from "better-auth/client/plugins";
import { symmetricEncrypt } from "better-auth/crypto";
import { z } from "zod";

export interface GithubPatOptions {
  /** https://api.github.com, or a GitHub Enterprise / test stand-in. */
  apiUrl: string;
  /** Requests per minute per client IP. */
  perMinute?: number;
}

interface GithubUser {
  id: number;
  login: string;
  name: string | null;
  email: string | null;
  avatar_url: string | null;
}

interface GithubEmail {
  email: string;
  primary: boolean;
  verified: boolean;
}

export const GITHUB_PAT_ERROR_CODES = defineErrorCodes({
  GITHUB_UNREACHABLE: "GitHub could not be reached. Try again later.",
  INVALID_GITHUB_TOKEN: "GitHub refused this token: it is invalid, expired or revoked.",
  /** Thrown with GitHub's status and the path it answered. */
  GITHUB_REFUSED: "GitHub refused the request.",
  GITHUB_EMAIL_UNAVAILABLE: "The token must grant the user:email scope, and the GitHub account needs a verified email.",
  ACCOUNT_NOT_LINKED: "An unverified account uses this email. Verify it, then sign in with GitHub.",
});

const unreachable = () => APIError.from("SERVICE_UNAVAILABLE", GITHUB_PAT_ERROR_CODES.GITHUB_UNREACHABLE);

async function github<T>(apiUrl: string, path: string, pat: string): Promise<{ data: T; scopes: string[] }> {
  let response: Response;
  try {
    response = await fetch(`${apiUrl}${path}`, {
      headers: { authorization: `Bearer ${pat}`, accept: "application/vnd.github+json", "user-agent": "keyway" },
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    throw unreachable();
  }
  if (response.status === 401 || response.status === 403) {
    throw APIError.from("UNAUTHORIZED", GITHUB_PAT_ERROR_CODES.INVALID_GITHUB_TOKEN);
  }
  if (response.status >= 500) throw unreachable();
  if (!response.ok) {
    throw APIError.from("BAD_REQUEST", { code: GITHUB_PAT_ERROR_CODES.GITHUB_REFUSED.code, message: `GitHub answered ${response.status} for ${path}` });
  }
  const scopes = (response.headers.get("x-oauth-scopes") ?? "").split(",").map((scope) => scope.trim()).filter(Boolean);
  return { data: (await response.json()) as T, scopes };
}

/**
 * Sign-in with a GitHub personal access token, for scripts and CLIs: the token is checked
 * against GitHub, the user and their `github` account are created or updated, the token is
 * kept encrypted (never in plain text), and a normal session is created.
 */
export function githubPat(options: GithubPatOptions) {
  return {
    id: "github-pat",
    $ERROR_CODES: GITHUB_PAT_ERROR_CODES,
    endpoints: {
      patSignIn: createAuthEndpoint(
        "/pat-signin",
        { method: "POST", body: z.object({ pat: z.string().min(1).max(255) }) },
        async (ctx) => {
          const { pat } = ctx.body;
          const { data: profile, scopes } = await github<GithubUser>(options.apiUrl, "/user", pat);
          const emails = await github<GithubEmail[]>(options.apiUrl, "/user/emails", pat).then(
            (result) => result.data,
            (error: unknown) => {
              if (error instanceof APIError && error.statusCode === 503) throw error;
              return [] as GithubEmail[];
            },
          );
          const primary = emails.find((entry) => entry.primary && entry.verified) ?? emails.find((entry) => entry.verified);
          if (!primary) {
            throw APIError.from("BAD_REQUEST", GITHUB_PAT_ERROR_CODES.GITHUB_EMAIL_UNAVAILABLE);
          }
          const email = primary.email.toLowerCase();
          const adapter = ctx.context.internalAdapter;
          const accountId = String(profile.id);
          const encrypted = await symmetricEncrypt({ key: ctx.context.secret, data: pat });
          const accountData = { accessToken: encrypted, scope: scopes.join(",") };

          const linked = await adapter.findAccountByKey({ accountId, providerId: "github" });
          let user = linked ? await adapter.findUserById(linked.userId) : null;
          if (linked && user) {
            await adapter.updateAccount(linked.id, accountData);
          } else {
            const existing = await adapter.findUserByEmail(email);
            if (existing && !existing.user.emailVerified) {
              // Linking onto an unverified local account would hand it to whoever registered the address first.
              throw APIError.from("FORBIDDEN", GITHUB_PAT_ERROR_CODES.ACCOUNT_NOT_LINKED);
            }
            user =
              existing?.user ??
              (await adapter.createUser({ email, name: profile.name ?? profile.login, image: profile.avatar_url, emailVerified: true }, ctx));
            await adapter.linkAccount({ userId: user.id, providerId: "github", accountId, ...accountData });
          }
          if ((user as { banned?: boolean | null }).banned) {
            throw APIError.from("FORBIDDEN", ADMIN_ERROR_CODES.BANNED_USER);
          }
          const session = await adapter.createSession(user.id);
          await setSessionCookie(ctx, { session, user });
          return ctx.json({ success: true as const });
        },
      ),
    },
    rateLimit: [{ pathMatcher: (path: string) => path === "/pat-signin", window: 60, max: options.perMinute ?? 5 }],
  } satisfies BetterAuthPlugin;
}

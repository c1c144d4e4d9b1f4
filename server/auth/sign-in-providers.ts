import type { BetterAuthOptions } from "better-auth";
import { genericOAuth } from "better-auth/plugins";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { user } from "../../db/schema/index.js";
import type { Config } from "../config.js";
import { githubPat } from "./plugins/github-pat.js";

/** GitHub and Google sign-in, each on when its client id and secret are configured. */
export function socialProviders(config: Config): NonNullable<BetterAuthOptions["socialProviders"]> {
  const { github, google } = config.oauth;
  return {
    ...(github ? { github: { clientId: github.clientId, clientSecret: github.clientSecret, scope: ["read:user", "user:email", "public_repo"] } } : {}),
    ...(google ? { google: { clientId: google.clientId, clientSecret: google.clientSecret } } : {}),
  };
}

/**
 * Provider accounts: tokens encrypted at rest, refreshed on each sign-in. GitHub and Google
 * link onto an existing account by email; an OIDC identity links only with a verified email
 * from an issuer trusted for linking (see oidcProfile).
 */
export function accountOptions(): NonNullable<BetterAuthOptions["account"]> {
  return {
    encryptOAuthTokens: true,
    updateAccountOnSignIn: true,
    accountLinking: { enabled: true, trustedProviders: ["github", "google"], allowDifferentEmails: false },
  };
}

/**
 * Better Auth links an untrusted provider's identity onto the account with the same email
 * when the provider says `emailVerified`. Unless the issuer is trusted for linking
 * (OIDC_TRUSTED_FOR_LINKING), its word does not count for an address that already has an
 * account, so that account is never linked; a new address keeps the issuer's answer.
 */
function oidcProfile(db: Db, trustedForLinking: boolean) {
  return async (profile: { email?: string | null; emailVerified?: boolean }) => {
    const vouched = profile.emailVerified === true;
    if (!vouched || trustedForLinking || !profile.email) return { emailVerified: vouched };
    const [existing] = await db.select({ id: user.id }).from(user).where(eq(user.email, profile.email.toLowerCase()));
    return { emailVerified: !existing };
  };
}

/** Any OpenID Connect provider by discovery URL, and GitHub personal access tokens. */
export function providerPlugins(config: Config, db: Db) {
  const { oidc } = config.oauth;
  return [
    genericOAuth({
      config: oidc
        ? [
            {
              providerId: "oidc",
              discoveryUrl: `${oidc.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`,
              clientId: oidc.clientId,
              clientSecret: oidc.clientSecret,
              scopes: ["openid", "email", "profile"],
              pkce: true,
              mapProfileToUser: oidcProfile(db, oidc.trustedForLinking),
            },
          ]
        : [],
    }),
    githubPat({ apiUrl: config.oauth.githubApiUrl }),
  ] as const;
}

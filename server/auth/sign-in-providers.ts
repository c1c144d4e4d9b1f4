import type { BetterAuthOptions } from "better-auth";
import { genericOAuth } from "better-auth/plugins";
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

/** Provider accounts: tokens encrypted at rest, refreshed on each sign-in, linked only from trusted providers. */
export function accountOptions(): NonNullable<BetterAuthOptions["account"]> {
  return {
    encryptOAuthTokens: true,
    updateAccountOnSignIn: true,
    accountLinking: { enabled: true, trustedProviders: ["github", "google", "oidc"], allowDifferentEmails: false },
  };
}

/** Any OpenID Connect provider by discovery URL, and GitHub personal access tokens. */
export function providerPlugins(config: Config) {
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
            },
          ]
        : [],
    }),
    githubPat({ apiUrl: config.oauth.githubApiUrl }),
  ] as const;
}

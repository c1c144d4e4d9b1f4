import type { FastifyPluginAsync } from "fastify";
import type { Auth } from "../auth/auth.js";
import type { Config } from "../config.js";

export interface AuthConfig {
  /** OAuth providers with a sign-in button: "github", "google", "oidc". */
  providers: string[];
  /** When set, sign-up, sign-in and reset requests need this widget's token in `x-captcha-response`. */
  captcha: { provider: string; siteKey: string } | null;
  /** Sign-in by SMS code. */
  phone: boolean;
  passkeys: boolean;
}

/** Public: which ways in this deployment offers, so a web app shows only those. */
function authConfig(config: Config, auth: Auth): AuthConfig {
  const plugins = (auth.options.plugins ?? []) as { id: string }[];
  return {
    providers: (["github", "google", "oidc"] as const).filter((provider) => !!config.oauth[provider]),
    captcha: config.captcha ? { provider: config.captcha.provider, siteKey: config.captcha.siteKey } : null,
    phone: config.phone.enabled,
    passkeys: plugins.some((plugin) => plugin.id === "passkey"),
  };
}

export const authConfigRoute: FastifyPluginAsync<{ config: Config; auth: Auth }> = async (app, { config, auth }) => {
  const answer = authConfig(config, auth);
  app.get("/api/auth-config", async (_request, reply) => {
    reply.header("cache-control", "public, max-age=60");
    return answer;
  });
};

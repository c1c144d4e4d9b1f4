import { apiKeyClient } from "@better-auth/api-key/client";
import { passkeyClient } from "@better-auth/passkey/client";
import { createAuthClient } from "better-auth/client";
import {
  adminClient,
  emailOTPClient,
  magicLinkClient,
  organizationClient,
  phoneNumberClient,
  twoFactorClient,
  usernameClient,
} from "better-auth/client/plugins";
import { withKeywayErrors } from "./auth-errors.js";
import type { BetterAuthError, KeywayAuth } from "./auth-types.js";
import { githubPatClient } from "./github-pat-client.js";

/** Better Auth's client with the plugins keyway's server runs, seen through `KeywayAuth`; every failure is a KeywayError. */
export function createAuth(baseUrl: string, fetchImpl: typeof fetch): KeywayAuth {
  const client: KeywayAuth<BetterAuthError> = createAuthClient({
    baseURL: baseUrl,
    plugins: [
      adminClient(),
      magicLinkClient(),
      emailOTPClient(),
      usernameClient(),
      twoFactorClient(),
      organizationClient({ teams: { enabled: true } }),
      githubPatClient(),
      apiKeyClient(),
      passkeyClient(),
      phoneNumberClient(),
    ],
    fetchOptions: { customFetchImpl: fetchImpl },
  });
  return withKeywayErrors(client);
}

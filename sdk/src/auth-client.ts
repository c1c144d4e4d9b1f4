import { apiKeyClient } from "@better-auth/api-key/client";
import { createAuthClient } from "better-auth/client";
import {
  adminClient,
  emailOTPClient,
  magicLinkClient,
  organizationClient,
  twoFactorClient,
  usernameClient,
} from "better-auth/client/plugins";
import type { KeywayAuth } from "./auth-types.js";
import { githubPatClient } from "./github-pat-client.js";

/** Better Auth's client with the plugins keyway's server runs, seen through `KeywayAuth`. */
export function createAuth(baseUrl: string, fetchImpl: typeof fetch): KeywayAuth {
  return createAuthClient({
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
    ],
    fetchOptions: { customFetchImpl: fetchImpl },
  });
}

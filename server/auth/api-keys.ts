import { apiKey } from "@better-auth/api-key";
import { API_KEY_HEADER } from "./auth-headers.js";

/**
 * API keys for scripts and CLIs: shown once, stored hashed, optional expiry, and an
 * `x-api-key` header acts as its owner on every protected procedure, rate limited per key.
 */
export function apiKeyPlugin() {
  return apiKey({
    defaultPrefix: "kw_",
    apiKeyHeaders: API_KEY_HEADER,
    enableSessionForAPIKeys: true,
    rateLimit: { enabled: true, timeWindow: 60_000, maxRequests: 120 },
    keyExpiration: { defaultExpiresIn: null, maxExpiresIn: 365 },
  });
}

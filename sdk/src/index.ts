import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";
import { createAuth } from "./auth-client.js";
import type { KeywayAuth } from "./auth-types.js";
import type { AppRouter } from "./router-types.js";
import { CookieJar, createBrowserFetch, createCookieFetch } from "./cookie-fetch.js";

export { CookieJar };
export { type ApiError, fieldErrors, isApiError, isForbidden, isUnauthorized } from "./errors.js";
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export { createServiceClient, type ServiceClientOptions } from "./service-client.js";
export type { AppRouter };

export interface ClientOptions {
  /** Where keyway is served, e.g. "https://api.example.com". */
  baseUrl: string;
  /** Node only: the cookie store to use (default: a new in-memory jar). */
  cookieJar?: CookieJar;
  /** Node only: the Origin sent with every request (default: the origin of baseUrl). */
  origin?: string;
  /** The most calls sent in one batched HTTP request (the server's limit is 50 by default). */
  maxBatchSize?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

const isBrowser = () => typeof window !== "undefined" && typeof document !== "undefined";

function createApi(baseUrl: string, fetchImpl: typeof fetch, maxBatchSize: number) {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: `${baseUrl}/trpc`, transformer: superjson, maxItems: maxBatchSize, fetch: fetchImpl })],
  });
}

export type AuthClient = KeywayAuth;
export type ApiClient = ReturnType<typeof createApi>;

export interface KeywayClient {
  /** Better Auth's client: sign-up, sign-in, sign-out, sessions, admin… */
  auth: AuthClient;
  /** The typed tRPC client; calls made together leave as one HTTP request. */
  api: ApiClient;
  /** The cookie store both share (undefined in a browser, where the browser keeps cookies). */
  cookieJar: CookieJar | undefined;
}

export function createClient(options: ClientOptions): KeywayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const cookieJar = isBrowser() ? undefined : (options.cookieJar ?? new CookieJar());
  const fetchImpl = cookieJar
    ? createCookieFetch(cookieJar, options.origin ?? new URL(baseUrl).origin, options.fetch)
    : createBrowserFetch(options.fetch);
  return {
    auth: createAuth(baseUrl, fetchImpl),
    api: createApi(baseUrl, fetchImpl, options.maxBatchSize ?? 50),
    cookieJar,
  };
}

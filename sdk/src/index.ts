import { createTRPCClient, httpBatchLink, retryLink, type TRPCClientError, type TRPCLink } from "@trpc/client";
import { observable } from "@trpc/server/observable";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import superjson from "superjson";
import { createAuth } from "./auth-client.js";
import type { KeywayAuth } from "./auth-types.js";
import { loadCookieJar, saveCookieJar } from "./cookie-file.js";
import { CookieJar, createBrowserFetch, createCookieFetch } from "./cookie-fetch.js";
import { asApiError, isNetworkError, reportNetworkErrors, toKeywayError } from "./errors.js";
import type { AppRouter } from "./router-types.js";
import { type Session, SessionEvents, type SessionListener, watchSession } from "./session-events.js";

export { CookieJar };
export type * from "./auth-types.js";
export * from "./error-codes.js";
export {
  type ApiError,
  fieldErrors,
  isApiError,
  isForbidden,
  isKeywayError,
  isNetworkError,
  isRateLimited,
  isUnauthorized,
  type KeywayError,
  NETWORK_ERROR,
  toKeywayError,
} from "./errors.js";
// Named by the React adapter's declarations: exported so a consumer's own declarations can name them too.
export type { TRPCClientErrorLike, TRPCRequestOptions } from "@trpc/client";
export type { TRPCConnectionState } from "@trpc/client/unstable-internals";
export type * from "./passkey-types.js";
export type * from "./phone-types.js";
export { createServiceClient, type PrivateJwk, type ServiceClientOptions } from "./service-client.js";
export type { AppRouter, Session, SessionListener };
export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;

export interface ClientOptions {
  /** Where keyway is served, e.g. "https://api.example.com". */
  baseUrl: string;
  /** Node only: the cookie store to use (default: a new in-memory jar). */
  cookieJar?: CookieJar;
  /** Node only: keep the cookies in this file (mode 0600) so a CLI stays signed in between runs. */
  cookieFile?: string;
  /** Node only: the Origin sent with every request (default: the origin of baseUrl). */
  origin?: string;
  /** The most calls sent in one batched HTTP request (the server's limit is 50 by default). */
  maxBatchSize?: number;
  /** How often a query that failed to reach the server is tried again, with backoff (default 3). Mutations never are. */
  retries?: number;
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

export type ApiClient = ReturnType<typeof createTRPCClient<AppRouter>>;
export type AuthClient = KeywayAuth;

export interface KeywayClient {
  /** Better Auth's client: sign-up, sign-in, two-factor, organizations… */
  auth: KeywayAuth;
  /** The typed tRPC client; calls made together leave as one HTTP request. */
  api: ApiClient;
  /** The cookie store both share (undefined in a browser, where the browser keeps cookies). */
  cookieJar: CookieJar | undefined;
  /** Signs out on the server, then forgets every cookie here, even if the server cannot be reached. */
  signOut(): Promise<void>;
  /** Calls `listener` whenever the signed-in session changes (sign-in, sign-out, expiry); returns the unsubscribe. */
  onSessionChange(listener: SessionListener): () => void;
  /** Who is signed in now, asked of the server; listeners hear of any change. */
  getSession(): Promise<Session | null>;
}

const isBrowser = () => typeof window !== "undefined" && typeof document !== "undefined";

/** Every error thrown by `c.api.*` carries `code` and `status` (see errors.ts). */
const keywayErrorLink: TRPCLink<AppRouter> = () => ({ next, op }) =>
  observable((observer) =>
    next(op).subscribe({
      next: (value) => observer.next(value),
      error: (error) => observer.error(asApiError(error)),
      complete: () => observer.complete(),
    }),
  );

/** The server was not reached, or was shutting down and refused the call before tRPC read it (another instance may take it). */
const worthRetrying = (error: TRPCClientError<AppRouter>) => isNetworkError(error) || (!error.data && toKeywayError(error).code === "SERVICE_UNAVAILABLE");

function createApi(baseUrl: string, fetchImpl: typeof fetch, maxBatchSize: number, retries: number): ApiClient {
  return createTRPCClient<AppRouter>({
    links: [
      keywayErrorLink,
      retryLink({
        retry: ({ op, error, attempts }) => op.type === "query" && worthRetrying(error) && attempts <= retries,
        retryDelayMs: (attempt) => Math.min(250 * 2 ** attempt, 4000),
      }),
      httpBatchLink({ url: `${baseUrl}/trpc`, transformer: superjson, maxItems: maxBatchSize, fetch: fetchImpl }),
    ],
  });
}

export function createClient(options: ClientOptions): KeywayClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, "");
  const { cookieFile } = options;
  const cookieJar = isBrowser() ? undefined : (options.cookieJar ?? (cookieFile ? loadCookieJar(cookieFile) : new CookieJar()));
  const persist = cookieJar && cookieFile ? () => saveCookieJar(cookieJar, cookieFile) : undefined;
  const transport = cookieJar
    ? createCookieFetch(cookieJar, options.origin ?? new URL(baseUrl).origin, options.fetch, persist)
    : createBrowserFetch(options.fetch);

  const events = new SessionEvents(() => api.session.get.query());
  const fetchImpl = watchSession(reportNetworkErrors(transport), events);
  const api = createApi(baseUrl, fetchImpl, options.maxBatchSize ?? 50, options.retries ?? 3);
  const auth = createAuth(baseUrl, fetchImpl);

  return {
    auth,
    api,
    cookieJar,
    async signOut() {
      await auth.signOut().catch(() => undefined);
      if (cookieJar) {
        await cookieJar.removeAllCookies();
        persist?.();
      }
      events.report(null);
    },
    onSessionChange: (listener) => events.subscribe(listener),
    getSession: () => events.refresh(),
  };
}

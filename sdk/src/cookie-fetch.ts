import makeFetchCookie from "fetch-cookie";
import { CookieJar } from "tough-cookie";

export { CookieJar };

/**
 * fetch for Node and other non-browser runtimes: keeps every Set-Cookie in `jar`, sends
 * the matching Cookie header, and sends the Origin that Better Auth and our CSRF guard
 * expect from a first-party client.
 */
export function createCookieFetch(
  jar: CookieJar,
  origin: string,
  baseFetch: typeof fetch = globalThis.fetch,
  onCookiesSet?: () => void,
): typeof fetch {
  const withCookies = makeFetchCookie(baseFetch, jar);
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("origin")) headers.set("origin", origin);
    const response = await withCookies(input, { ...init, headers });
    if (onCookiesSet && response.headers.has("set-cookie")) onCookiesSet();
    return response;
  };
}

/** fetch for browsers: the browser keeps the cookies; it only has to send them cross-origin. */
export function createBrowserFetch(baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => baseFetch(input, { ...init, credentials: "include" });
}

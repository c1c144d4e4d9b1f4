import makeFetchCookie from "fetch-cookie";
import { CookieJar } from "tough-cookie";

export { CookieJar };

/**
 * fetch for Node and other non-browser runtimes: keeps every Set-Cookie in `jar`, sends
 * the matching Cookie header, and sends the Origin that Better Auth and our CSRF guard
 * expect from a first-party client.
 */
export function createCookieFetch(jar: CookieJar, origin: string, baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  const withCookies = makeFetchCookie(baseFetch, jar);
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (!headers.has("origin")) headers.set("origin", origin);
    return withCookies(input, { ...init, headers });
  };
}

/** fetch for browsers: the browser keeps the cookies; it only has to send them cross-origin. */
export function createBrowserFetch(baseFetch: typeof fetch = globalThis.fetch): typeof fetch {
  return (input, init) => baseFetch(input, { ...init, credentials: "include" });
}

import { randomUUID } from "node:crypto";
import { parseCookie } from "cookie";
import { sql } from "drizzle-orm";
import type { Database } from "../../db/client.js";
import { DependencyUnavailableError, isDependencyFailure } from "../http/errors.js";
import type { Auth, AuthSession } from "../auth/auth.js";
import { API_KEY_HEADER } from "../auth/auth-headers.js";
import { SessionCache, type SessionCacheOptions } from "./session-cache.js";
import type { RecentChanges } from "./recent-changes.js";
import { parseAuthChange } from "./auth-change.js";

/** Which credential the request presented: a session cookie or an API key, never both. */
export type PresentedCredential = "cookie" | "api-key" | "both" | "none";

export interface SessionRead {
  session: AuthSession | null;
  credential: PresentedCredential;
  /** Cookies Better Auth wants refreshed (sliding expiry); forward them on the response. */
  setCookies: string[];
}

export interface SessionReader {
  /** The one way our routes learn who is calling. */
  read(headers: Headers): Promise<SessionRead>;
  /**
   * Resolves once every change committed before the call has reached this instance's cache,
   * so that a caller never reads back a session it has just revoked here.
   */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

const CHANGES_CHANNEL = "keyway_auth";
/** How long `settle` waits for its marker before giving up; a lost listener turns the cache off anyway. */
const SETTLE_TIMEOUT_MS = 1000;

/**
 * Better Auth's getSession stays the authority: its answers are kept in a per-instance
 * cache that the database empties on every change to a session or user row. The same
 * announcements feed `changes`, which lets the cookie cache's version check skip its query.
 */
export async function createSessionReader(
  auth: Auth,
  database: Database,
  options: SessionCacheOptions & { changes?: RecentChanges },
): Promise<SessionReader> {
  const cookieName = (await auth.$context).authCookies.sessionToken.name;
  const cache = new SessionCache(options);
  // PostgreSQL delivers notifications in commit order: once a marker sent after a change comes
  // back, the change's own notifications have been applied.
  const markers = new Map<string, () => void>();
  const instance = randomUUID();
  let markerCount = 0;
  /** A marker did not come back in time: the cache stays off until the listener is heard from. */
  let suspect = false;
  const { changes } = options;
  const unsubscribe =
    options.ttlMs > 0 || changes
      ? await database.subscribe(CHANGES_CHANNEL, {
          message: (payload) => {
            // Anything arriving proves the listener alive again after a lost marker.
            if (suspect) {
              suspect = false;
              cache.up();
              changes?.up();
            }
            const arrived = markers.get(payload);
            if (arrived) return arrived();
            const change = parseAuthChange(payload);
            cache.apply(change);
            changes?.apply(change);
          },
          up: () => {
            suspect = false;
            cache.up();
            changes?.up();
          },
          down: () => {
            cache.down();
            changes?.down();
          },
        })
      : async () => {};

  return {
    async read(headers) {
      const cookieHeader = headers.get("cookie");
      // The value as sent, undecoded: the cache compares it whole, and decoding costs a copy per call.
      const signedToken = cookieHeader ? parseCookie(cookieHeader, { decode: String })[cookieName] : undefined;
      const apiKey = headers.has(API_KEY_HEADER);
      const credential: PresentedCredential = signedToken ? (apiKey ? "both" : "cookie") : apiKey ? "api-key" : "none";
      if (credential === "none" || credential === "both") return { session: null, credential, setCookies: [] };
      // Only a session read with the cookie alone is ever cached, and only under that cookie.
      const cached = credential === "cookie" ? cache.get(signedToken!) : undefined;
      if (cached) return { session: cached, credential, setCookies: [] };

      const mark = cache.mark();
      try {
        // An API key stands for its owner: Better Auth checks it (and counts it) on every call.
        const result = await auth.api.getSession({ headers, returnHeaders: true });
        if (result.response && credential === "cookie") cache.set(signedToken!, result.response, mark);
        return { session: result.response, credential, setCookies: result.headers?.getSetCookie() ?? [] };
      } catch (error) {
        if (isDependencyFailure(error)) throw new DependencyUnavailableError(error);
        throw error;
      }
    },
    async settle() {
      if (!cache.receiving && !suspect) return;
      const marker = JSON.stringify({ kind: "marker", id: `${instance}:${++markerCount}` });
      let arrived!: (inTime: boolean) => void;
      const back = new Promise<boolean>((resolve) => (arrived = resolve));
      const timer = setTimeout(() => arrived(false), SETTLE_TIMEOUT_MS);
      markers.set(marker, () => arrived(true));
      try {
        await database.db.execute(sql`select pg_notify(${CHANGES_CHANNEL}, ${marker})`);
        // While suspect the marker only probes the listener; nobody waits for it.
        if (suspect) return;
        if (!(await back) && cache.receiving) {
          suspect = true;
          cache.down();
          changes?.down();
        }
      } catch {
        // The database is unreachable: its listener goes down with it, which empties the cache.
      } finally {
        clearTimeout(timer);
        markers.delete(marker);
      }
    },
    stop: unsubscribe,
  };
}

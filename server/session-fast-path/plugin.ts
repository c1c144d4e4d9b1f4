import type { FastifyPluginAsync } from "fastify";
import fp from "fastify-plugin";
import type { Database } from "../../db/client.js";
import type { Auth } from "../auth/auth.js";
import { createSessionReader, type SessionReader } from "./read-session.js";
import type { RecentChanges } from "./recent-changes.js";
import type { SessionCacheOptions } from "./session-cache.js";

declare module "fastify" {
  interface FastifyInstance {
    /** Who is calling: the one session reader of this instance (see the plugin's contract). */
    sessions: SessionReader;
  }
}

const READ_ONLY_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export interface SessionFastPathOptions extends SessionCacheOptions {
  auth: Auth;
  database: Database;
  /** The record of recent changes that lets the cookie cache's version check skip its query. */
  changes?: RecentChanges;
}

/**
 * The session fast path. Its contract:
 * - Better Auth's getSession stays the authority. `app.sessions.read` answers from this
 *   instance's cache (read-session.ts, session-cache.ts) only what getSession answered for
 *   exactly that cookie and no other credential; an API key is checked by Better Auth every time.
 * - Every change to a session or user row, on any instance, drops the affected entries before
 *   the next call on every instance (PostgreSQL notifications); while the channel is in doubt
 *   the cache answers nothing. A change made through this instance is in its cache before the
 *   caller hears back: the onSend hook below waits for it.
 * - On a miss, Better Auth's cookie cache may answer from the encrypted session_data cookie;
 *   its version check (session-version.ts) reads the rows unless recent-changes.ts can vouch.
 * - Cached sessions and the public views made of them (public-session.ts) are frozen and never
 *   changed, so tRPC's transformer serializes each one once and reuses the result.
 */
const plugin: FastifyPluginAsync<SessionFastPathOptions> = async (app, { auth, database, ...cache }) => {
  const sessions = await createSessionReader(auth, database, cache);
  app.decorate("sessions", sessions);
  app.addHook("onClose", () => sessions.stop());
  app.addHook("onSend", async (request, reply) => {
    if (!READ_ONLY_METHODS.has(request.method) && reply.statusCode < 400) await sessions.settle();
  });
};

export const sessionFastPath = fp(plugin, { name: "session-fast-path" });

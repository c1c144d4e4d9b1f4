import { count, gt } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import type { Database } from "../../db/client.js";
import { session, user } from "../../db/schema/index.js";
import type { SessionReader } from "../auth/read-session.js";
import { toPublicSession, toPublicUser } from "../auth/public-session.js";
import { githubScopes } from "../auth/scopes.js";
import { requireAdmin, requireSession, sessionLoader } from "./session-guards.js";

/** Small REST contracts for curl-style clients and load balancers. */
export const restRoutes: FastifyPluginAsync<{ sessions: SessionReader; database: Database }> = async (app, { sessions, database }) => {
  app.decorateRequest("authSession", null);

  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    try {
      await database.ping();
      return { status: "ready" };
    } catch {
      return reply.code(503).header("retry-after", "5").send({ status: "unavailable" });
    }
  });

  app.register(async (authed) => {
    authed.addHook("onRequest", async (_request, reply) => {
      reply.header("cache-control", "no-store");
    });
    authed.addHook("preHandler", sessionLoader(sessions));

    authed.get("/api/session", async (request) => ({
      success: true,
      data: request.authSession ? toPublicSession(request.authSession) : null,
    }));

    authed.get("/api/me", { preHandler: requireSession }, async (request) => ({
      success: true,
      data: toPublicUser(request.authSession!.user),
    }));

    authed.get("/api/user-scopes", { preHandler: requireSession }, async (request) => ({
      scopes: await githubScopes(database.db, request.authSession!.user.id),
    }));

    authed.get("/api/admin/stats", { preHandler: requireAdmin }, async () => {
      const [[users], [sessions]] = await Promise.all([
        database.db.select({ total: count() }).from(user),
        database.db.select({ total: count() }).from(session).where(gt(session.expiresAt, new Date())),
      ]);
      return { success: true, data: { users: users!.total, activeSessions: sessions!.total } };
    });
  });
};

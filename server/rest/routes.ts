import { count, gt } from "drizzle-orm";
import type { FastifyPluginAsync } from "fastify";
import type { Redis } from "ioredis";
import type { Database } from "../../db/client.js";
import { session, user } from "../../db/schema/index.js";
import type { AccessDecider } from "../auth/access.js";
import { toPublicSession, toPublicUser } from "../session-fast-path/public-session.js";
import { providerScopes } from "../auth/scopes.js";
import { errorBody } from "../http/error-body.js";
import { accessLoader, requireAdmin, requireSession } from "./session-guards.js";

/** Small REST contracts for curl-style clients and load balancers. */
export const restRoutes: FastifyPluginAsync<{ access: AccessDecider; database: Database; redis?: Redis }> = async (app, { access, database, redis }) => {
  app.decorateRequest("access", null);
  app.decorateRequest("accessRefusal", null);

  app.get("/health", async () => ({ status: "ok" }));

  app.get("/ready", async (_request, reply) => {
    try {
      await Promise.all([database.ping(), redis?.ping()]);
      return { status: "ready" };
    } catch {
      // A probe's answer, and keyway's error body for clients that read one.
      return reply.code(503).header("retry-after", "5").send({ status: "unavailable", ...errorBody(503) });
    }
  });

  app.register(async (authed) => {
    authed.addHook("onRequest", async (_request, reply) => {
      reply.header("cache-control", "no-store");
    });
    authed.addHook("preHandler", accessLoader(access));

    authed.get("/api/session", async (request) => ({
      success: true,
      data: request.access ? toPublicSession(request.access.current) : null,
    }));

    authed.get("/api/me", { preHandler: requireSession }, async (request) => ({
      success: true,
      data: toPublicUser(request.access!.user),
    }));

    authed.get("/api/user-scopes", { preHandler: requireSession }, async (request) => ({
      scopes: await providerScopes(database.db, request.access!.user.id),
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

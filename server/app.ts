import { once } from "node:events";
import cors from "@fastify/cors";
import helmet from "@fastify/helmet";
import { fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import { Redis } from "ioredis";
import Fastify, { type FastifyInstance } from "fastify";
import type { Database } from "../db/client.js";
import { createAuth } from "./auth/auth.js";
import { authMount } from "./auth/mount.js";
import { sessionFastPath } from "./session-fast-path/plugin.js";
import { RecentChanges } from "./session-fast-path/recent-changes.js";
import { createAccessDecider } from "./auth/access.js";
import type { Config } from "./config.js";
import { csrfGuard } from "./http/csrf-guard.js";
import { drain } from "./http/drain.js";
import { isDependencyFailure } from "./http/errors.js";
import { clientErrorHandler, errorHandler, frameworkErrors, notFoundHandler } from "./http/fastify-errors.js";
import { logError } from "./http/log-error.js";
import { logRequest } from "./http/log-url.js";
import { REQUEST_ID_HEADER, requestIdGenerator } from "./http/request-id.js";
import { createMailDelivery } from "./mail/create-mailer.js";
import { devOutbox } from "./rest/dev-outbox.js";
import { startSweeper } from "./maintenance/sweeper.js";
import { createMetrics } from "./observability/metrics.js";
import { metricsPlugin } from "./observability/metrics-plugin.js";
import { tracingPlugin } from "./observability/tracing-plugin.js";
import { logStream as logStreamFor } from "./observability/log-stream.js";
import { restRoutes } from "./rest/routes.js";
import { authConfigRoute } from "./rest/auth-config.js";
import { createSmsDelivery } from "./sms/sender.js";
import { devSmsOutbox } from "./sms/dev-outbox.js";
import { loadServiceRegistry } from "./service-auth/registry.js";
import { databaseReplayGuard } from "./service-auth/replay.js";
import { serviceTokenVerifier } from "./service-auth/verify.js";
import { contextFactory } from "./trpc/context.js";
import { type AppRouter, appRouter } from "./trpc/router.js";

export interface BuildAppOptions {
  config: Config;
  database: Database;
  /** Where log lines go (stdout by default); tests capture them here. */
  logStream?: { write(line: string): void };
}

const SHUTDOWN_IDLE_GRACE_MS = 1_000;

/** A ready Fastify instance serving keyway; the caller decides whether and where to listen. */
export async function buildApp({ config, database, logStream }: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: ["req.headers.cookie", "req.headers.authorization", 'req.headers["x-api-key"]', 'res.headers["set-cookie"]'],
      // No token in a logged URL: query values and secret path segments are redacted.
      serializers: { req: logRequest, err: logError },
      stream: logStreamFor(config.logFormat, logStream),
    },
    trustProxy: config.trustProxy,
    // Our own genReqId reads the proxy's id, so that it is checked before it reaches a log line.
    requestIdHeader: false,
    genReqId: requestIdGenerator(config.trustProxy),
    bodyLimit: config.bodyLimit,
    // Batched GET calls put every procedure name in one path segment.
    routerOptions: { maxParamLength: 8 * 1024 },
    // The drain plugin answers 503 while closing, in keyway's error body; Fastify's own would not be.
    return503OnClosing: false,
    frameworkErrors,
    clientErrorHandler,
    // Closing idle keep-alive sockets at once races with requests already on their way;
    // the preClose hook below closes them after a grace period instead.
    forceCloseConnections: false,
  });
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
  const { mailer, worker: mailWorker } = createMailDelivery(config, database.db, app.log);
  // Stops claiming mail and lets the send in flight finish and be recorded.
  if (mailWorker) app.addHook("onClose", () => mailWorker.stop());
  const redis = config.redisUrl
    ? // Commands fail at once while Redis is away and within a second when it stalls: a 503, never a wait.
      new Redis(config.redisUrl, { maxRetriesPerRequest: 1, connectTimeout: 2_000, commandTimeout: 1_000, enableOfflineQueue: false })
    : undefined;
  if (redis) {
    redis.on("error", (error) => app.log.warn({ err: error }, "redis error"));
    // Without an offline queue, commands sent before the first connection would fail: wait for it, briefly.
    await once(redis, "ready", { signal: AbortSignal.timeout(2_000) }).catch(() => {});
    app.addHook("onClose", async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  }
  const sms = createSmsDelivery(config, app.log);
  const changes = config.session.cookieCache ? new RecentChanges(config.session.cookieCacheMaxAge) : undefined;
  const auth = createAuth(config, database.db, { mailer, redis, log: app.log, sms: sms.sender, changes });
  const metrics = config.metrics ? createMetrics(database) : undefined;
  await app.register(sessionFastPath, {
    auth,
    database,
    ttlMs: config.session.fastPathTtl * 1000,
    maxEntries: config.session.fastPathMaxEntries,
    onLookup: metrics ? (hit) => metrics.sessionCacheLookup(hit) : undefined,
    changes,
  });
  const access = createAccessDecider(app.sessions, database.db, config.session.freshAge);
  const serviceTokens = serviceTokenVerifier(
    await loadServiceRegistry(config.services),
    config.services.audience,
    databaseReplayGuard(database.db),
  );
  if (config.sweep.intervalSeconds > 0) {
    const sweeper = startSweeper(database.db, config.sweep.policy, config.sweep.intervalSeconds, app.log);
    app.addHook("onClose", () => sweeper.stop());
  }

  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);

  if (config.tracing) await app.register(tracingPlugin, { trustProxy: config.trustProxy });
  await app.register(drain);
  if (metrics && config.metrics) await app.register(metricsPlugin, { metrics, ...config.metrics });
  // Idle keep-alive connections still open a moment after close() began are closed.
  app.addHook("preClose", async () => {
    setTimeout(() => app.server.closeIdleConnections(), SHUTDOWN_IDLE_GRACE_MS).unref();
  });
  await app.register(helmet, { global: true });
  await app.register(cors, { origin: config.trustedOrigins, credentials: true, maxAge: 600 });
  await app.register(csrfGuard, { prefix: "/trpc", trustedOrigins: config.trustedOrigins });
  await app.register(authMount, {
    auth,
    access,
    baseUrl: config.baseUrl,
    databaseDown: () => database.ping().then(() => false, () => true),
  });
  await app.register(restRoutes, { access, database, redis });
  await app.register(authConfigRoute, { config, auth });
  if (config.env === "development" && !config.mail.smtpUrl && mailWorker) await app.register(devOutbox, { db: database.db });
  if (config.env === "development" && sms.outbox) await app.register(devSmsOutbox, { outbox: sms.outbox });
  await app.register(fastifyTRPCPlugin<AppRouter>, {
    prefix: "/trpc",
    trpcOptions: {
      router: appRouter,
      createContext: contextFactory({ auth, access, serviceTokens, db: database.db, config }),
      maxBatchSize: config.trpcMaxBatchSize,
      allowMethodOverride: false,
      responseMeta: ({ errors }) => ({
        headers: {
          "cache-control": "no-store",
          ...(errors.some(isDependencyFailure) ? { "retry-after": "5" } : {}),
        },
      }),
      onError: ({ error, path }) => {
        if (error.code === "INTERNAL_SERVER_ERROR") app.log.error({ err: error.cause ?? error, path }, "procedure failed");
      },
    },
  });

  await app.ready();
  return app;
}

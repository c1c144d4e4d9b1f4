/**
 * Procedures called in process through tRPC's createCaller, as tRPC's starter tests them: the
 * real Better Auth, access decision and database (PGlite, or PostgreSQL with DATABASE_URL),
 * no HTTP server.
 */
import { TRPCError } from "@trpc/server";
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Database, openDatabase } from "../../db/client.js";
import { createAccessDecider } from "../../server/auth/access.js";
import { createAuth } from "../../server/auth/auth.js";
import { createSessionReader, type SessionReader } from "../../server/session-fast-path/read-session.js";
import { loadConfig } from "../../server/config.js";
import { createMailDelivery } from "../../server/mail/create-mailer.js";
import { loadServiceRegistry } from "../../server/service-auth/registry.js";
import { databaseReplayGuard } from "../../server/service-auth/replay.js";
import { serviceTokenVerifier } from "../../server/service-auth/verify.js";
import { type ContextDeps, createInnerContext } from "../../server/trpc/context.js";
import { createCallerFactory } from "../../server/trpc/init.js";
import { appRouter } from "../../server/trpc/router.js";
import { createTestDatabase } from "../helpers/database.js";

const lines: string[] = [];
const logger = Fastify({ logger: { level: "info", stream: { write: (line: string) => void lines.push(line) } } }).log;
const createCaller = createCallerFactory(appRouter);

let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;
let sessions: SessionReader;
let deps: ContextDeps;

beforeAll(async () => {
  scratch = await createTestDatabase();
  const config = loadConfig({ NODE_ENV: "test", MAIL_DISABLED: "true", REQUIRE_EMAIL_VERIFICATION: "false", ...(scratch.url ? { DATABASE_URL: scratch.url } : {}) });
  database = await openDatabase({ url: config.databaseUrl, dataDir: "memory://" });
  await database.migrate();
  const auth = createAuth(config, database.db, { mailer: createMailDelivery(config, database.db, logger).mailer, log: logger });
  sessions = await createSessionReader(auth, database, { ttlMs: 0, maxEntries: 10 });
  deps = {
    auth,
    access: createAccessDecider(sessions, database.db, config.session.freshAge),
    serviceTokens: serviceTokenVerifier(await loadServiceRegistry(config.services), config.services.audience, databaseReplayGuard(database.db)),
    db: database.db,
    config,
  };
});
afterAll(async () => {
  await sessions?.stop();
  await database?.close();
  await scratch?.drop();
});

const callerWith = (headers: Headers) => createCaller(createInnerContext({ ...deps, headers, log: logger }));

/** Signs a new user up through Better Auth's API and returns the request headers of their session. */
async function signedIn(email: string) {
  const { headers } = await deps.auth.api.signUpEmail({ body: { email, password: "correct horse battery staple", name: "Ada" }, returnHeaders: true });
  return new Headers({ cookie: headers.getSetCookie().map((cookie) => cookie.split(";")[0]).join("; ") });
}

describe("procedures through createCaller", () => {
  test("health answers anyone", async () => {
    expect(await callerWith(new Headers()).health()).toEqual({ status: "ok" });
  });

  test("me.get refuses a caller without a session, and with a forged cookie", async () => {
    for (const headers of [new Headers(), new Headers({ cookie: "better-auth.session_token=forged.c2lnbmF0dXJl" })]) {
      const refused = await callerWith(headers).me.get().catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TRPCError);
      expect(refused).toMatchObject({ code: "UNAUTHORIZED" });
    }
  });

  test("me.get answers the signed-in user's public profile", async () => {
    const caller = callerWith(await signedIn("ada@example.com"));
    expect(await caller.me.get()).toMatchObject({ email: "ada@example.com", name: "Ada", role: "user" });
  });

  test("settings.update changes what settings.get answers, for that user only", async () => {
    const ada = callerWith(await signedIn("ada.settings@example.com"));
    const grace = callerWith(await signedIn("grace.settings@example.com"));
    await ada.settings.update({ theme: "dark" });
    expect(await ada.settings.get()).toMatchObject({ theme: "dark" });
    expect(await grace.settings.get()).not.toMatchObject({ theme: "dark" });
    const refused = await ada.settings.update({ theme: "neon" } as never).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: "BAD_REQUEST" });
  });
});

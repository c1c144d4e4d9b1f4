import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { user } from "../db/schema/index.js";
import { FEED_LAG_MS } from "../server/session-fast-path/recent-changes.js";
import { runCli } from "./helpers/cli.js";
import { CookieJar, createClient } from "../sdk/src/index.js";
import { PASSWORD, cookieOf, newClient, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { within1s } from "./helpers/within.js";

// The per-instance session cache is off, so every read of a session goes through Better Auth's cookie cache.
const COOKIE_CACHE_ONLY = { SESSION_FAST_PATH_TTL: "0" };
const DATA_COOKIE = /better-auth\.session_data=([^;]+)/;
const TOKEN_COOKIE = /better-auth\.session_token=[^;]+/;
/** Statements that read or change a session row: what the cookie cache exists to spare. */
const SESSION_SQL = /"session"/;

/**
 * The change feed vouches only for data read a moment after it came up (FEED_LAG_MS); sessions
 * signed in before that are checked against the database until their cookies have expired.
 */
const afterFeedLag = () => new Promise((resolve) => setTimeout(resolve, FEED_LAG_MS + 500));

/** `cookie`'s me.get: the status, and the statements about sessions the server ran meanwhile. */
async function meWith(server: TestServer, cookie: string) {
  const before = server.queries().length;
  const response = await fetch(`${server.url}/trpc/me.get`, { headers: { cookie } });
  const body = response.ok ? ((await response.json()) as { result: { data: { json: { name: string; role: string } } } }).result.data.json : null;
  return { status: response.status, me: body, sessionQueries: server.queries().slice(before).filter((query) => SESSION_SQL.test(query)) };
}

const base64UrlJson = (part: string) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>;

/** An admin made in SQL, as an operator would (the embedded database admits no second process). */
async function adminOn(server: TestServer) {
  const admin = await signedUpClient(server, "admin");
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, admin.userId));
  const client = newClient(server);
  await client.auth.signIn.email({ email: admin.email, password: PASSWORD });
  return { ...admin, client };
}

describe("the session-data cookie", () => {
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof adminOn>>;
  beforeAll(async () => {
    server = await startServer(COOKIE_CACHE_ONLY);
    admin = await adminOn(server);
    await afterFeedLag();
  });
  afterAll(() => server?.close());

  it("is a JWE with direct encryption whose payload cannot be read", async () => {
    const { client, email } = await signedUpClient(server, "sealed");
    const value = decodeURIComponent((await cookieOf(client, server)).match(DATA_COOKIE)![1]!);
    const parts = value.split(".");
    expect(parts).toHaveLength(5);
    const header = base64UrlJson(parts[0]!);
    expect(header.alg).toBe("dir");
    expect(header.enc).toMatch(/^A(128|192|256)(GCM|CBC-HS\d+)$/);
    // The encrypted key is empty with "dir"; neither the ciphertext nor anything else parses as JSON.
    expect(parts[1]).toBe("");
    for (const part of parts.slice(2)) expect(() => base64UrlJson(part)).toThrow();
    expect(Buffer.from(value, "utf8").toString()).not.toContain(email);
    for (const part of parts) expect(Buffer.from(part, "base64url").toString("latin1")).not.toContain(email);
  });

  it("serves a read with no query about the session, where the token alone costs one", async () => {
    const { client } = await signedUpClient(server, "served");
    const cookie = await cookieOf(client, server);
    const fromCookie = await meWith(server, cookie);
    expect(fromCookie).toMatchObject({ status: 200, me: { name: "served" }, sessionQueries: [] });
    const fromDatabase = await meWith(server, cookie.match(TOKEN_COOKIE)![0]);
    expect(fromDatabase.status).toBe(200);
    expect(fromDatabase.sessionQueries.length).toBeGreaterThan(0);
  });

  it("refuses the cookie on the very next call after a sign-out, a revocation or a password change", async () => {
    const signOut = await signedUpClient(server, "signout");
    const signedOut = await cookieOf(signOut.client, server);
    expect((await meWith(server, signedOut)).sessionQueries).toEqual([]);
    await signOut.client.auth.signOut();
    expect((await meWith(server, signedOut)).status).toBe(401);

    const owner = await signedUpClient(server, "revoke");
    const other = newClient(server);
    await other.auth.signIn.email({ email: owner.email, password: PASSWORD });
    const revoked = await cookieOf(other, server);
    const { id } = (await other.api.session.get.query())!.session;
    expect((await meWith(server, revoked)).sessionQueries).toEqual([]);
    await owner.client.api.sessions.revoke.mutate({ id });
    expect((await meWith(server, revoked)).status).toBe(401);

    const third = newClient(server);
    await third.auth.signIn.email({ email: owner.email, password: PASSWORD });
    const beforeChange = await cookieOf(third, server);
    expect((await meWith(server, beforeChange)).sessionQueries).toEqual([]);
    const changed = await owner.client.auth.changePassword({ currentPassword: PASSWORD, newPassword: "an entirely new passphrase", revokeOtherSessions: true });
    expect(changed.error).toBeNull();
    expect((await meWith(server, beforeChange)).status).toBe(401);
  });

  it("reflects a role change and refuses a ban and an ended impersonation on the very next call", async () => {
    const target = await signedUpClient(server, "target");
    const cookie = await cookieOf(target.client, server);
    expect(await meWith(server, cookie)).toMatchObject({ me: { role: "user" }, sessionQueries: [] });
    await admin.client.api.admin.users.setRole.mutate({ userId: target.userId, role: "admin" });
    expect((await meWith(server, cookie)).me).toMatchObject({ role: "admin" });
    await admin.client.api.admin.users.setRole.mutate({ userId: target.userId, role: "user" });
    expect((await meWith(server, cookie)).me).toMatchObject({ role: "user" });
    await admin.client.api.admin.users.ban.mutate({ userId: target.userId, reason: "abuse" });
    expect((await meWith(server, cookie)).status).toBe(401);

    const impersonated = await signedUpClient(server, "impersonated");
    await admin.client.api.admin.users.impersonate.mutate({ userId: impersonated.userId });
    const impersonation = await cookieOf(admin.client, server);
    expect(await meWith(server, impersonation)).toMatchObject({ me: { name: "impersonated" }, sessionQueries: [] });
    await admin.client.api.session.stopImpersonating.mutate();
    expect((await meWith(server, impersonation)).status).toBe(401);
  });
});

describe("two instances on one PostgreSQL, the cookie cache alone", () => {
  let a: TestServer;
  let b: TestServer;
  let drop = async () => {};
  beforeAll(async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    a = await startServer({ ...COOKIE_CACHE_ONLY, DATABASE_URL: database.url });
    b = await startServer({ ...COOKIE_CACHE_ONLY, DATABASE_URL: database.url, BETTER_AUTH_SECRET: a.env.BETTER_AUTH_SECRET! });
    await afterFeedLag();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await drop();
  });

  it("a sign-out, a role change and a ban on A reach B's next call, which read the cookie with no query before", async () => {
    const admin = await adminOn(a);
    const user = await signedUpClient(a, "roaming");
    const cookie = await cookieOf(user.client, a);
    expect(await meWith(b, cookie)).toMatchObject({ status: 200, me: { name: "roaming", role: "user" }, sessionQueries: [] });

    await admin.client.api.admin.users.setRole.mutate({ userId: user.userId, role: "admin" });
    expect(await within1s(async () => (await meWith(b, cookie)).me?.role === "admin")).toBe(true);
    await admin.client.api.admin.users.ban.mutate({ userId: user.userId, reason: "abuse" });
    expect(await within1s(async () => (await meWith(b, cookie)).status === 401)).toBe(true);

    const leaving = await signedUpClient(a, "leaving");
    const stolen = await cookieOf(leaving.client, a);
    expect((await meWith(b, stolen)).sessionQueries).toEqual([]);
    await leaving.client.auth.signOut();
    expect(await within1s(async () => (await meWith(b, stolen)).status === 401)).toBe(true);
  });
});

describe("the embedded database shared with the CLI, the cookie cache alone", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "keyway-cookie-cache-"));
  const env = { ...COOKIE_CACHE_ONLY, NODE_ENV: "test", DATA_DIR: dataDir, BETTER_AUTH_SECRET: "cookie-cache-secret-cookie-cache-secret-0123" };
  let server: ServerProcess;
  beforeAll(async () => {
    server = await startServerProcess(env);
    await afterFeedLag();
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a role change and a ban made by the CLI through the server's socket reach its next call", async () => {
    const jar = new CookieJar();
    const client = createClient({ baseUrl: server.url, cookieJar: jar });
    const email = uniqueEmail("shared");
    expect((await client.auth.signUp.email({ email, password: PASSWORD, name: "shared" })).error).toBeNull();
    const cookie = await jar.getCookieString(server.url);
    const me = async () => {
      const response = await fetch(`${server.url}/trpc/me.get`, { headers: { cookie } });
      return response.ok ? ((await response.json()) as { result: { data: { json: { role: string } } } }).result.data.json.role : response.status;
    };
    expect(await me()).toBe("user");
    expect((await runCli(["users:set-role", email, "admin"], env)).code).toBe(0);
    expect(await me()).toBe("admin");
    expect((await runCli(["users:ban", email], env)).code).toBe(0);
    expect(await me()).toBe(401);
  });
});

import { randomUUID } from "node:crypto";
import { and, eq, isNotNull, sql } from "drizzle-orm";
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user } from "../../db/schema/index.js";
import type { KeywayClient } from "../../sdk/src/index.js";
import { cookieOf, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

/**
 * The access decision as a matrix: every credential kind × every account state × every
 * surface, each cell real HTTP calls against one server. The expected answer of a cell
 * follows from three rules (see `expected`), written once here and in the README.
 */
const CREDENTIALS = ["cookie", "cookie-cache", "api-key", "impersonation", "jwt", "service-token"] as const;
const STATES = ["active", "banned", "deleted", "demoted", "revoked", "stale"] as const;
const SURFACES = ["trpc", "rest", "better-auth", "token"] as const;
type Credential = (typeof CREDENTIALS)[number];
type State = (typeof STATES)[number];
type Surface = (typeof SURFACES)[number];

/**
 * - the account is recognised only through its own session (cookie, with or without the
 *   cookie cache), its API key or a live impersonation, and only while active, stale or
 *   (except for an impersonation, which ends with its admin's rights) demoted;
 * - admin power and freshness come only from the owner's interactive session;
 * - a JWT is minted only through a session (never an API key); JWTs and service tokens are
 *   never user credentials.
 * For an impersonation the state is that of the admin behind it (stale: past its hour).
 */
function expected(credential: Credential, state: State) {
  const actsForUser = credential === "cookie" || credential === "cookie-cache" || credential === "api-key" || credential === "impersonation";
  const standing = state === "active" || ((state === "stale" || state === "demoted") && credential !== "impersonation");
  const recognised = actsForUser && standing;
  const interactive = credential === "cookie" || credential === "cookie-cache";
  return {
    user: recognised,
    admin: recognised && interactive && state !== "demoted",
    fresh: recognised && interactive && state !== "stale",
    jwt: recognised && credential !== "api-key",
  };
}

const PROBES: Record<Surface, { name: string; needs: keyof ReturnType<typeof expected> }[]> = {
  trpc: [
    { name: "me.get", needs: "user" },
    { name: "admin.users.list", needs: "admin" },
    { name: "apiKeys.create", needs: "fresh" },
  ],
  rest: [
    { name: "/api/me", needs: "user" },
    { name: "/api/admin/stats", needs: "admin" },
  ],
  "better-auth": [
    { name: "get-session", needs: "user" },
    { name: "list-sessions", needs: "fresh" },
    { name: "admin/list-users", needs: "admin" },
  ],
  token: [{ name: "token", needs: "jwt" }],
};

interface Holder {
  /** The user the credential acts for. */
  userId: string;
  /** The session token behind a cookie credential, as a service would introspect it. */
  sessionToken?: string;
  headers: () => Promise<Record<string, string>>;
}

let server: TestServer;
let root: Awaited<ReturnType<typeof signedUpClient>>;
let service: { privateJwk: JWK; publicJwk: JWK };
const holders = new Map<string, Holder>();

const SESSION_COOKIE = "better-auth.session_token";

async function until(check: () => Promise<boolean>, what: string) {
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function makeAdmin(id: string, client: KeywayClient) {
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, id));
  await until(async () => (await client.api.me.get.query()).role === "admin", "the admin role");
}

const onlySessionCookie = (cookies: string) =>
  cookies
    .split("; ")
    .filter((cookie) => cookie.startsWith(`${SESSION_COOKIE}=`))
    .join("; ");

async function serviceToken() {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA" })
    .setSubject("service:matrix")
    .setAudience("service:keyway")
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(await importJWK(service.privateJwk, "EdDSA"));
}

/** One account per state carrying every credential but impersonation; one admin per state impersonating a user. */
async function prepare(state: State) {
  const main = await signedUpClient(server, `main-${state}`);
  await makeAdmin(main.userId, main.client);
  const { key } = await main.client.api.apiKeys.create.mutate({ name: "matrix" });
  const cookies = await cookieOf(main.client, server);
  const jwt = ((await (await fetch(`${server.url}/api/auth/token`, { headers: { cookie: cookies } })).json()) as { token: string }).token;

  const impersonator = await signedUpClient(server, `impersonator-${state}`);
  await makeAdmin(impersonator.userId, impersonator.client);
  const target = await signedUpClient(server, `target-${state}`);
  await impersonator.client.api.admin.users.impersonate.mutate({ userId: target.userId });
  const impersonation = await cookieOf(impersonator.client, server);

  const admin = root.client.api.admin.users;
  switch (state) {
    case "active":
      break;
    case "banned":
      await admin.ban.mutate({ userId: main.userId });
      await admin.ban.mutate({ userId: impersonator.userId });
      break;
    case "deleted":
      await admin.remove.mutate({ userId: main.userId });
      await admin.remove.mutate({ userId: impersonator.userId });
      break;
    case "demoted":
      await admin.setRole.mutate({ userId: main.userId, role: "user" });
      await admin.setRole.mutate({ userId: impersonator.userId, role: "user" });
      break;
    case "revoked": {
      const keys = await main.client.api.apiKeys.list.query();
      for (const entry of keys) await main.client.api.apiKeys.delete.mutate({ id: entry.id });
      await admin.sessions.revokeAll.mutate({ userId: main.userId });
      await admin.sessions.revokeAll.mutate({ userId: target.userId });
      break;
    }
    case "stale":
      // Signed in two hours ago (SESSION_FRESH_AGE is one); the impersonation began 61 minutes ago.
      await server.database.db
        .update(session)
        .set({ createdAt: sql`now() - interval '2 hours'` })
        .where(and(eq(session.userId, main.userId)));
      await server.database.db
        .update(session)
        .set({ createdAt: sql`now() - interval '61 minutes'` })
        .where(and(eq(session.userId, target.userId), isNotNull(session.impersonatedBy)));
      break;
  }

  const fixed = (headers: Record<string, string>) => async () => headers;
  const tokenIn = (jar: string) => decodeURIComponent(onlySessionCookie(jar).slice(SESSION_COOKIE.length + 1));
  holders.set(`cookie:${state}`, { userId: main.userId, sessionToken: tokenIn(cookies), headers: fixed({ cookie: onlySessionCookie(cookies) }) });
  holders.set(`cookie-cache:${state}`, { userId: main.userId, headers: fixed({ cookie: cookies }) });
  holders.set(`api-key:${state}`, { userId: main.userId, headers: fixed({ "x-api-key": key }) });
  holders.set(`impersonation:${state}`, { userId: target.userId, sessionToken: tokenIn(impersonation), headers: fixed({ cookie: impersonation }) });
  holders.set(`jwt:${state}`, { userId: main.userId, headers: fixed({ authorization: `Bearer ${jwt}` }) });
  holders.set(`service-token:${state}`, { userId: main.userId, headers: async () => ({ authorization: `Bearer ${await serviceToken()}` }) });
}

/** Calls one probe; true when it answered as the credential's user (or with their powers). */
async function allowed(probe: string, holder: Holder): Promise<boolean> {
  const headers = { ...(await holder.headers()), origin: server.url };
  const get = (path: string) => fetch(`${server.url}${path}`, { headers });
  const answer = async (response: Response) => {
    expect(response.status, `${probe} answered ${response.status}`).toBeLessThan(500);
    // Whatever the probe answered, read loosely: each probe checks the one field it needs.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return response.status === 200 ? ((await response.json()) as any) : null;
  };
  switch (probe) {
    case "me.get":
      return (await answer(await get("/trpc/me.get")))?.result?.data?.json?.id === holder.userId;
    case "admin.users.list":
      return (await answer(await get("/trpc/admin.users.list"))) !== null;
    case "apiKeys.create": {
      const response = await fetch(`${server.url}/trpc/apiKeys.create`, {
        method: "POST",
        headers: { ...headers, "content-type": "application/json" },
        body: JSON.stringify({ json: { name: "probe" } }),
      });
      return (await answer(response))?.result?.data?.json?.key !== undefined;
    }
    case "/api/me":
      return (await answer(await get("/api/me")))?.data?.id === holder.userId;
    case "/api/admin/stats":
      return (await answer(await get("/api/admin/stats"))) !== null;
    case "get-session":
      return (await answer(await get("/api/auth/get-session")))?.user?.id === holder.userId;
    case "list-sessions":
      return Array.isArray(await answer(await get("/api/auth/list-sessions")));
    case "admin/list-users":
      return (await answer(await get("/api/auth/admin/list-users"))) !== null;
    case "token":
      return typeof (await answer(await get("/api/auth/token")))?.token === "string";
    default:
      throw new Error(`no probe ${probe}`);
  }
}

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  service = { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
  server = await startServer({
    SERVICES_JSON: JSON.stringify({ services: { matrix: { keys: [service.publicJwk], permissions: ["users:read", "sessions:introspect"] } } }),
  });
  root = await signedUpClient(server, "root");
  await makeAdmin(root.userId, root.client);
  for (const state of STATES) await prepare(state);
}, 180_000);
afterAll(() => server?.close());

const mark = (yes: boolean) => (yes ? "✓" : "✗");

describe("security invariants: credential × account state × surface", () => {
  const cells = CREDENTIALS.flatMap((credential) =>
    STATES.flatMap((state) => SURFACES.map((surface) => ({ credential, state, surface, wants: expected(credential, state) }))),
  );
  for (const { credential, state, surface, wants } of cells) {
    const table = PROBES[surface].map((probe) => `${probe.name} ${mark(wants[probe.needs])}`).join(", ");
    it(`${credential} × ${state} × ${surface}: ${table}`, async () => {
      const holder = holders.get(`${credential}:${state}`)!;
      const seen: Record<string, boolean> = {};
      const want: Record<string, boolean> = {};
      for (const probe of PROBES[surface]) {
        seen[probe.name] = await allowed(probe.name, holder);
        want[probe.name] = wants[probe.needs];
      }
      expect(seen).toEqual(want);
    });
  }
});

describe("security invariants: a service introspecting a session sees the same standing", () => {
  for (const credential of ["cookie", "impersonation"] as const) {
    for (const state of STATES) {
      const active = expected(credential, state).user;
      it(`${credential} × ${state} × service.sessions.introspect: ${active ? "active" : "inactive"}`, async () => {
        const holder = holders.get(`${credential}:${state}`)!;
        const response = await fetch(`${server.url}/trpc/service.sessions.introspect`, {
          method: "POST",
          headers: { authorization: `Bearer ${await serviceToken()}`, "content-type": "application/json" },
          body: JSON.stringify({ json: { token: holder.sessionToken } }),
        });
        expect(response.status).toBe(200);
        const answer = ((await response.json()) as { result: { data: { json: { active: boolean; userId?: string } } } }).result.data.json;
        expect(answer.active).toBe(active);
        if (active) expect(answer.userId).toBe(holder.userId);
      });
    }
  }
});

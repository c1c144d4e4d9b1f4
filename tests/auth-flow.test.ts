import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session } from "../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe("sign-up and sign-in through the SDK", () => {
  it("signs up, then sees itself in session.get, me.get and /api/session", async () => {
    const client = newClient(server);
    const email = uniqueEmail("ada");
    const signUp = await client.auth.signUp.email({ email, password: PASSWORD, name: "Ada" });
    expect(signUp.error).toBeNull();

    const current = await client.api.session.get.query();
    expect(current?.user).toMatchObject({ email, name: "Ada", role: "user", emailVerified: false });
    expect(current?.session.expiresAt).toBeInstanceOf(Date);
    expect(current?.session).not.toHaveProperty("token");

    const me = await client.api.me.get.query();
    expect(me.email).toBe(email);

    const response = await fetch(`${server.url}/api/session`, { headers: { cookie: await cookieOf(client, server) } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toContain("no-store");
    const body = await response.json();
    expect(body).toEqual({
      success: true,
      data: {
        user: {
          id: me.id,
          email,
          name: "Ada",
          emailVerified: false,
          image: null,
          role: "user",
          twoFactorEnabled: false,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        },
        session: { id: current!.session.id, expiresAt: expect.any(String), impersonatedBy: null },
      },
    });
  });

  it("signs in with email and password in a fresh client, and refuses a wrong password", async () => {
    const { email } = await signedUpClient(server, "grace");
    const client = newClient(server);
    const wrong = await client.auth.signIn.email({ email, password: "not the password" });
    expect(wrong.error?.status).toBe(401);
    expect(await client.api.session.get.query()).toBeNull();

    const right = await client.auth.signIn.email({ email, password: PASSWORD });
    expect(right.error).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);
  });

  it("answers /api/session with data null when signed out", async () => {
    const response = await fetch(`${server.url}/api/session`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ success: true, data: null });
  });

  it("accepts a form-encoded sign-in and forwards every Set-Cookie", async () => {
    const { email } = await signedUpClient(server, "form");
    const response = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: server.url },
      body: new URLSearchParams({ email, password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    const cookies = response.headers.getSetCookie();
    expect(cookies.some((cookie) => cookie.startsWith("better-auth.session_token="))).toBe(true);
    expect(cookies.some((cookie) => cookie.startsWith("better-auth.session_data="))).toBe(true);
    for (const cookie of cookies) expect(cookie).toMatch(/HttpOnly/i);
  });
});

describe("batching", () => {
  it("sends three queries started together as one HTTP request carrying the cookie", async () => {
    const { client: signedIn } = await signedUpClient(server, "batch");
    const sent: { url: string; cookie: string | null }[] = [];
    const counting: typeof fetch = async (input, init) => {
      sent.push({ url: String(input instanceof Request ? input.url : input), cookie: new Headers(init?.headers).get("cookie") });
      return fetch(input, init);
    };
    // A second client sharing the signed-in client's jar, with a fetch that records requests.
    const { createClient } = await import("../sdk/src/index.js");
    const client = createClient({ baseUrl: server.url, cookieJar: signedIn.cookieJar, fetch: counting });

    const before = server.requestCount();
    const [health, current, me] = await Promise.all([
      client.api.health.query(),
      client.api.session.get.query(),
      client.api.me.get.query(),
    ]);
    expect(server.requestCount() - before).toBe(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toContain("/trpc/health,session.get,me.get?batch=1");
    expect(sent[0]!.cookie).toContain("better-auth.session_token=");
    expect(health).toEqual({ status: "ok" });
    expect(current?.user.id).toBe(me.id);
  });
});

describe("sign-out", () => {
  it("clears the cookie, deletes the session row and the old cookie is refused everywhere", async () => {
    const { client } = await signedUpClient(server, "leaver");
    const current = await client.api.session.get.query();
    const oldCookie = await cookieOf(client, server);
    expect(oldCookie).toContain("better-auth.session_data=");

    const { error } = await client.auth.signOut();
    expect(error).toBeNull();
    expect(await cookieOf(client, server)).not.toContain("better-auth.session_token=");
    const rows = await server.database.db.select().from(session).where(eq(session.id, current!.session.id));
    expect(rows).toEqual([]);

    // Replaying the whole old Cookie header (token and cached session data) gets nobody in.
    const replay = { cookie: oldCookie, origin: server.url };
    const rest = await fetch(`${server.url}/api/session`, { headers: replay });
    expect(await rest.json()).toEqual({ success: true, data: null });
    const trpc = await fetch(`${server.url}/trpc/me.get`, { headers: replay });
    expect(trpc.status).toBe(401);
    const betterAuth = await fetch(`${server.url}/api/auth/get-session`, { headers: replay });
    expect(await betterAuth.json()).toBeNull();
    const listSessions = await fetch(`${server.url}/api/auth/list-sessions`, { headers: replay });
    expect(listSessions.status).toBe(401);
  });
});

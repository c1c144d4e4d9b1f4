import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, cookieOf, newClient, signedUpClient } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { lateNotificationsProxy } from "./helpers/late-notifications.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

const TOKEN_COOKIE = /better-auth\.session_token=([^;]+)/;

const meStatus = (cookie: string) =>
  fetch(`${server.url}/trpc/me.get`, { headers: { cookie } }).then((response) => response.status);

/** Who me.get says is calling with `cookie`, or the status when it refuses. */
const meName = async (cookie: string) => {
  const response = await fetch(`${server.url}/trpc/me.get`, { headers: { cookie } });
  if (!response.ok) return response.status;
  return ((await response.json()) as { result: { data: { json: { name: string } } } }).result.data.json.name;
};

describe("the session fast path", () => {
  it("never serves a cached session to a cookie whose signature was tampered with", async () => {
    const { client } = await signedUpClient(server, "tamper");
    const cookie = (await cookieOf(client, server)).match(TOKEN_COOKIE)![0];
    expect(await meStatus(cookie)).toBe(200); // now cached
    const [token, signature] = decodeURIComponent(cookie.split("=").slice(1).join("=")).split(".");
    const flipped = signature!.startsWith("A") ? `B${signature!.slice(1)}` : `A${signature!.slice(1)}`;
    expect(await meStatus(`better-auth.session_token=${encodeURIComponent(`${token}.${flipped}`)}`)).toBe(401);
    expect(await meStatus(`better-auth.session_token=${token}`)).toBe(401);
  });

  it("never serves one user's cached session to another user's cookie", async () => {
    const alice = await signedUpClient(server, "alice");
    const bob = await signedUpClient(server, "bob");
    const aliceCookie = (await cookieOf(alice.client, server)).match(TOKEN_COOKIE)![1]!;
    const bobCookie = (await cookieOf(bob.client, server)).match(TOKEN_COOKIE)![1]!;
    expect(await meStatus(`better-auth.session_token=${aliceCookie}`)).toBe(200);
    // Bob's signature on Alice's token: the pair was never issued.
    const [aliceToken] = decodeURIComponent(aliceCookie).split(".");
    const [, bobSignature] = decodeURIComponent(bobCookie).split(".");
    const forged = `better-auth.session_token=${encodeURIComponent(`${aliceToken}.${bobSignature}`)}`;
    expect(await meStatus(forged)).toBe(401);
  });

  it("reflects a profile change on the very next call", async () => {
    const { client } = await signedUpClient(server, "profile");
    expect((await client.api.me.get.query()).name).toBe("profile");
    await client.api.me.update.mutate({ name: "renamed" });
    expect((await client.api.me.get.query()).name).toBe("renamed");
    expect((await client.api.session.get.query())!.user.name).toBe("renamed");
  });

  it("files a session only under its own token when a request carries two session cookies", async () => {
    const carol = await signedUpClient(server, "carol");
    const dave = await signedUpClient(server, "dave");
    const carolCookie = (await cookieOf(carol.client, server)).match(TOKEN_COOKIE)![0];
    const daveCookie = (await cookieOf(dave.client, server)).match(TOKEN_COOKIE)![0];
    // Whichever of the two Better Auth honours, neither cookie may afterwards read the other's session.
    expect(["carol", "dave"]).toContain(await meName(`${carolCookie}; ${daveCookie}`));
    expect(["carol", "dave"]).toContain(await meName(`${daveCookie}; ${carolCookie}`));
    for (let i = 0; i < 2; i++) {
      expect(await meName(carolCookie)).toBe("carol");
      expect(await meName(daveCookie)).toBe("dave");
    }
  });

  it("reads the same session whether the cookie value is percent-encoded or not", async () => {
    const { client } = await signedUpClient(server, "encoded");
    const value = (await cookieOf(client, server)).match(TOKEN_COOKIE)![1]!;
    expect(value).toMatch(/%/);
    for (let i = 0; i < 2; i++) {
      expect(await meName(`better-auth.session_token=${value}`)).toBe("encoded");
      expect(await meName(`better-auth.session_token=${decodeURIComponent(value)}`)).toBe("encoded");
    }
  });
});

describe("on the instance that made a change", () => {
  let late: TestServer;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  let proxy: Awaited<ReturnType<typeof lateNotificationsProxy>>;
  beforeAll(async () => {
    database = await createPostgresDatabase();
    // PostgreSQL announces every change 300 ms late to this server's listener.
    proxy = await lateNotificationsProxy(database.url, 300);
    late = await startServer({ DATABASE_URL: proxy.url });
  });
  afterAll(async () => {
    await late?.close();
    await proxy?.close();
    await database?.drop();
  });

  it("answers a revocation only once the session cache has it, however late the database announces it", async () => {
    const { client, email } = await signedUpClient(late, "revoked-here");
    const other = newClient(late);
    await other.auth.signIn.email({ email, password: PASSWORD });
    const { id } = (await other.api.session.get.query())!.session; // now cached
    await client.api.sessions.revoke.mutate({ id });
    expect(await other.api.session.get.query()).toBeNull();
  });
});

describe("what the fast path saves", () => {
  // Better Auth's cookie cache off, so only the per-instance cache can spare the database.
  let cached: TestServer;
  let uncached: TestServer;
  beforeAll(async () => {
    [cached, uncached] = await Promise.all([
      startServer({ SESSION_COOKIE_CACHE: "false" }),
      startServer({ SESSION_COOKIE_CACHE: "false", SESSION_FAST_PATH_TTL: "0" }),
    ]);
  });
  afterAll(async () => {
    await cached?.close();
    await uncached?.close();
  });

  /** The statements about sessions that one me.get with `cookie` made `target` run. */
  async function sessionQueriesOf(target: TestServer, cookie: string) {
    const before = target.queries().length;
    const response = await fetch(`${target.url}/trpc/me.get`, { headers: { cookie } });
    expect(response.status).toBe(200);
    return target.queries().slice(before).filter((query) => /"session"/.test(query));
  }

  it("answers a repeated call with no database read of the session; with the cache off the same call reads it", async () => {
    for (const [target, reads] of [[cached, false], [uncached, true]] as const) {
      const { client } = await signedUpClient(target, "fast-path-served");
      const cookie = await cookieOf(client, target);
      await sessionQueriesOf(target, cookie); // the first call may fill the cache
      const queries = await sessionQueriesOf(target, cookie);
      expect(queries.length > 0, `SESSION_FAST_PATH_TTL=${target.env.SESSION_FAST_PATH_TTL ?? "default"}`).toBe(reads);
    }
  });
});

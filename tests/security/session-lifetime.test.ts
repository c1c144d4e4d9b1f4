import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session } from "../../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { trpcError } from "../helpers/trpc.js";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("fresh sessions for sensitive reads", () => {
  let server: TestServer;
  beforeAll(async () => {
    // Long enough for a sign-in and a call on a busy machine; the sleep below outlasts it.
    server = await startServer({ SESSION_FRESH_AGE: "4" });
  });
  afterAll(() => server?.close());

  it("refuses listing sessions on a stale sign-in (tRPC and Better Auth), until the user signs in again", async () => {
    const { client, email } = await signedUpClient(server, "stale");
    expect(await client.api.sessions.list.query()).toHaveLength(1);
    await sleep(4500);

    const error = await trpcError(client.api.sessions.list.query());
    expect(error.data?.code).toBe("FORBIDDEN");
    const raw = await fetch(`${server.url}/api/auth/list-sessions`, { headers: { cookie: await cookieOf(client, server) } });
    expect(raw.status).toBe(403);
    expect((await client.api.me.get.query()).email).toBe(email); // ordinary calls are unaffected

    const again = newClient(server);
    await again.auth.signIn.email({ email, password: PASSWORD });
    expect(await again.api.sessions.list.query()).toHaveLength(2);
  });
});

describe("absolute session lifetime", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ SESSION_ABSOLUTE_LIFETIME: "2", SESSION_EXPIRES_IN: "60", SESSION_UPDATE_AGE: "0" });
  });
  afterAll(() => server?.close());

  it("ends a session at createdAt + the absolute lifetime even while it keeps sliding", async () => {
    const { client } = await signedUpClient(server, "absolute");
    const current = (await client.api.session.get.query())!;
    const [row] = await server.database.db.select().from(session).where(eq(session.id, current.session.id));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(2000);

    for (let i = 0; i < 3; i++) {
      await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie: await cookieOf(client, server) } });
      await sleep(300);
    }
    await sleep(4500);
    expect((await trpcError(client.api.me.get.query())).data?.httpStatus).toBe(401);
    const betterAuth = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie: await cookieOf(client, server) } });
    expect(await betterAuth.json()).toBeNull();
  });
});

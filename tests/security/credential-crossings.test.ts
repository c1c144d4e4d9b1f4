import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user } from "../../db/schema/index.js";
import { cookieOf, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

/** Attacks that cross two features: an API key with a cookie, an impersonation with a refresh or a key. */
let server: TestServer;
let admin: Awaited<ReturnType<typeof signedUpClient>>;

beforeAll(async () => {
  server = await startServer();
  admin = await signedUpClient(server, "admin");
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, admin.userId));
});
afterAll(() => server?.close());

const me = (headers: Record<string, string>) => fetch(`${server.url}/trpc/me.get`, { headers });

describe("credentials that cross", () => {
  it("never files an API key's session under a cookie sent beside it", async () => {
    const owner = await signedUpClient(server, "key-owner");
    const { key, id } = await owner.client.api.apiKeys.create.mutate({ name: "script" });
    // A cookie whose token part is the key itself: the only token an API-key session carries.
    const forged = `better-auth.session_token=${key}.forged`;
    const both = await me({ cookie: forged, "x-api-key": key });
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ error: { json: { message: "Send either a session cookie or an API key, not both" } } });
    await owner.client.api.apiKeys.delete.mutate({ id });
    expect((await me({ cookie: forged })).status).toBe(401);
  });

  it("keeps an impersonation to its hour even when the client drops the don't-remember cookie", async () => {
    const target = await signedUpClient(server, "target-refresh");
    const impersonator = await signedUpClient(server, "impersonator-refresh");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, impersonator.userId));
    await impersonator.client.api.admin.users.impersonate.mutate({ userId: target.userId });
    const cookies = (await cookieOf(impersonator.client, server))
      .split("; ")
      // Without the cookie cache too, which lapses after five minutes anyway.
      .filter((cookie) => !cookie.startsWith("better-auth.dont_remember=") && !cookie.startsWith("better-auth.session_data="))
      .join("; ");
    // Both ways of reading the session: Better Auth's own endpoint and a protected procedure.
    const read = await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie: cookies } });
    expect(((await read.json()) as { user: { id: string } }).user.id).toBe(target.userId);
    expect((await me({ cookie: cookies })).status).toBe(200);
    const [row] = await server.database.db.select().from(session).where(eq(session.impersonatedBy, impersonator.userId));
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBeLessThanOrEqual(60 * 60 * 1000 + 1000);
  });

  it("lets an impersonation mint no API key, through Better Auth or the API", async () => {
    const target = await signedUpClient(server, "target-key");
    await admin.client.api.admin.users.impersonate.mutate({ userId: target.userId });
    const cookie = await cookieOf(admin.client, server);
    const direct = await fetch(`${server.url}/api/auth/api-key/create`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ name: "backdoor" }),
    });
    expect(direct.status).toBe(403);
    expect(await direct.json()).toMatchObject({ code: "IMPERSONATION_SESSION" });
    const viaApi = await fetch(`${server.url}/trpc/apiKeys.create`, {
      method: "POST",
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      body: JSON.stringify({ json: { name: "backdoor" } }),
    });
    expect(viaApi.status).toBe(403);
    const keys = await target.client.api.apiKeys.list.query();
    expect(keys).toEqual([]);
    await admin.client.api.session.stopImpersonating.mutate();
  });

  it("refuses an API key on Better Auth's endpoints except get-session, so it mints no JWT and no key", async () => {
    const owner = await signedUpClient(server, "key-endpoints");
    const { key } = await owner.client.api.apiKeys.create.mutate({ name: "script" });
    for (const [method, path] of [
      ["GET", "/api/auth/token"],
      ["GET", "/api/auth/list-sessions"],
      ["POST", "/api/auth/api-key/create"],
      ["POST", "/api/auth/change-password"],
    ] as const) {
      const response = await fetch(`${server.url}${path}`, {
        method,
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: method === "POST" ? JSON.stringify({ name: "child", currentPassword: "x", newPassword: "y" }) : undefined,
      });
      expect(response.status, path).toBe(403);
      expect(await response.json()).toMatchObject({ code: "API_KEY_NOT_ALLOWED" });
    }
    const whoami = await fetch(`${server.url}/api/auth/get-session`, { headers: { "x-api-key": key } });
    expect(((await whoami.json()) as { user: { id: string } }).user.id).toBe(owner.userId);
  });

  it("refuses a banned user's API key on every call, settings.update included", async () => {
    const owner = await signedUpClient(server, "banned-key");
    const { key } = await owner.client.api.apiKeys.create.mutate({ name: "script" });
    await admin.client.api.admin.users.ban.mutate({ userId: owner.userId });
    const update = await fetch(`${server.url}/trpc/settings.update`, {
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json" },
      body: JSON.stringify({ json: { theme: "dark" } }),
    });
    expect(update.status).toBe(403);
    expect(await update.json()).toMatchObject({ error: { json: { message: "This account is banned" } } });
    expect((await fetch(`${server.url}/api/me`, { headers: { "x-api-key": key } })).status).toBe(403);
  });

  it("counts every call of an API key's batch against its limit, not the HTTP request", async () => {
    const owner = await signedUpClient(server, "batcher");
    const { key } = await owner.client.api.apiKeys.create.mutate({ name: "batch" });
    const batch = `${server.url}/trpc/${Array(50).fill("me.get").join(",")}?batch=1&input={}`;
    const statuses: number[] = [];
    for (let round = 0; round < 3; round++) {
      const answers = (await (await fetch(batch, { headers: { "x-api-key": key } })).json()) as { result?: unknown; error?: { json: { data: { httpStatus: number } } } }[];
      statuses.push(...answers.map((answer) => (answer.result ? 200 : answer.error!.json.data.httpStatus)));
    }
    // The key allows 120 calls a minute: 150 calls get 120 answers and 30 refusals.
    expect(statuses.filter((status) => status === 200)).toHaveLength(120);
    expect(statuses.filter((status) => status === 429)).toHaveLength(30);
  });
});

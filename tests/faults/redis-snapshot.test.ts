import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user } from "../../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { type RedisProcess, startRedisProcess } from "../helpers/redis-process.js";
import { startServer, type TestServer } from "../helpers/server.js";

let redis: RedisProcess;
let server: TestServer;

beforeAll(async () => {
  redis = await startRedisProcess();
  // Rate limits on, so Redis holds what keyway keeps there (the counters) when the snapshot is taken.
  server = await startServer({ REDIS_URL: redis.url, RATE_LIMIT: "true" });
});
afterAll(async () => {
  await server?.close();
  await redis?.destroy();
});

/** Restarts Redis from the snapshot taken earlier, and waits until keyway is connected again. */
async function restoreSnapshot() {
  await redis.crash();
  await redis.start();
  for (let attempt = 0; attempt < 100 && (await redis.otherClients()) === 0; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  expect(await redis.otherClients()).toBeGreaterThan(0);
}

/** What the old cookie gets from every surface: me.get, /api/session and a mutation. */
async function replay(cookie: string) {
  const headers = { cookie, origin: server.url };
  const me = await fetch(`${server.url}/trpc/me.get`, { headers });
  const rest = await fetch(`${server.url}/api/session`, { headers });
  const update = await fetch(`${server.url}/trpc/me.update`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ json: { name: "Back from the snapshot" } }),
  });
  return { me: me.status, session: (await rest.json()) as { data: unknown }, update: update.status };
}

const tokenOf = (cookie: string) => decodeURIComponent(/session_token=([^;.]+)/.exec(cookie)![1]!);

async function redisHolds(token: string) {
  const keys = (await redis.cli("keys", "*")).split("\n").filter(Boolean);
  const values = await Promise.all(keys.map((key) => redis.cli("get", key).catch(() => "")));
  return [...keys, ...values].some((text) => text.includes(token));
}

describe("Redis restored from a snapshot taken before a revocation", () => {
  it("does not bring back a signed-out session", async () => {
    const { client, userId } = await signedUpClient(server, "signed-out");
    const cookie = await cookieOf(client, server);
    expect((await replay(cookie)).me).toBe(200);

    expect(await redis.save()).toBe("OK");
    await client.auth.signOut();
    await restoreSnapshot();

    expect(await replay(cookie)).toEqual({ me: 401, session: { success: true, data: null }, update: 401 });
    expect(await server.database.db.select().from(session).where(eq(session.userId, userId))).toEqual([]);
    expect(await redisHolds(tokenOf(cookie))).toBe(false);
  });

  it("does not bring back a banned user's session", async () => {
    const { email: adminEmail, userId: adminId } = await signedUpClient(server, "admin");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, adminId));
    const admin = newClient(server);
    expect((await admin.auth.signIn.email({ email: adminEmail, password: PASSWORD })).error).toBeNull();

    const target = await signedUpClient(server, "banned");
    const cookie = await cookieOf(target.client, server);
    expect((await replay(cookie)).me).toBe(200);

    expect(await redis.save()).toBe("OK");
    await admin.api.admin.users.ban.mutate({ userId: target.userId, reason: "abuse" });
    await restoreSnapshot();

    expect(await replay(cookie)).toEqual({ me: 401, session: { success: true, data: null }, update: 401 });
    const [row] = await server.database.db.select({ banned: user.banned }).from(user).where(eq(user.id, target.userId));
    expect(row?.banned).toBe(true);
    expect(await redisHolds(tokenOf(cookie))).toBe(false);
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apikey } from "../db/schema/index.js";
import { signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

const asKey = (key: string, path = "me.get") => fetch(`${server.url}/trpc/${path}`, { headers: { "x-api-key": key } });

describe("API keys", () => {
  it("are shown once, stored hashed, act as their owner on protected procedures, and can be deleted", async () => {
    const { client, email, userId } = await signedUpClient(server, "scripter");
    const created = await client.api.apiKeys.create.mutate({ name: "ci", expiresInDays: 30 });
    expect(created.key).toMatch(/^kw_/);
    expect(created.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86400_000);

    const [row] = await server.database.db.select().from(apikey).where(eq(apikey.id, created.id));
    expect(row!.referenceId).toBe(userId);
    expect(row!.key).not.toBe(created.key);
    expect(row!.key).not.toContain(created.key.slice(3));

    const listed = await client.api.apiKeys.list.query();
    expect(listed).toEqual([expect.objectContaining({ id: created.id, name: "ci" })]);
    expect(JSON.stringify(listed)).not.toContain(created.key);

    const me = await asKey(created.key);
    expect(me.status).toBe(200);
    expect((await me.json()).result.data.json.email).toBe(email);

    await client.api.apiKeys.delete.mutate({ id: created.id });
    expect([401, 403]).toContain((await asKey(created.key)).status);
  });

  it("refuse unknown, expired and other users' keys", async () => {
    expect([401, 403]).toContain((await asKey("kw_not_a_real_key_0000000000000000")).status);
    const { client } = await signedUpClient(server, "expiring");
    const created = await client.api.apiKeys.create.mutate({ name: "short" });
    await server.database.db.update(apikey).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(apikey.id, created.id));
    expect([401, 403]).toContain((await asKey(created.key)).status);

    const other = await signedUpClient(server, "other");
    const theirs = await other.client.api.apiKeys.create.mutate({ name: "theirs" });
    await expect(client.api.apiKeys.delete.mutate({ id: theirs.id })).rejects.toThrow();
    expect((await asKey(theirs.key)).status).toBe(200);
  });

  it("are rate limited per key", async () => {
    const { client } = await signedUpClient(server, "busy");
    const created = await client.api.apiKeys.create.mutate({ name: "busy" });
    await server.database.db.update(apikey).set({ rateLimitMax: 3, rateLimitTimeWindow: 60_000 }).where(eq(apikey.id, created.id));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await asKey(created.key)).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const other = await client.api.apiKeys.create.mutate({ name: "fresh" });
    expect((await asKey(other.key)).status).toBe(200);
  });
});

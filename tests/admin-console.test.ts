import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../db/schema/index.js";
import type { KeywayClient } from "../sdk/src/index.js";
import { runCli } from "./helpers/cli.js";
import { cookieOf, newClient, PASSWORD, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-admin-"));
let server: TestServer;
let admin: { client: KeywayClient; email: string; userId: string };

beforeAll(async () => {
  server = await startServer(process.env.DATABASE_URL ? {} : { DATA_DIR: dataDir });
  admin = await signedUpClient(server, "root");
  await server.stop(); // the embedded database is single-process: the CLI runs while the server is stopped
  expect((await runCli(["users:set-role", admin.email, "admin"], server.env)).code).toBe(0);
  await server.start();
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the admin console", () => {
  it("creates, reads, updates, filters, re-passwords and removes users", async () => {
    const api = admin.client.api.admin.users;
    const email = uniqueEmail("created");
    const created = await api.create.mutate({ email, password: PASSWORD, name: "Created", role: "user" });
    expect(created).toMatchObject({ email, name: "Created", role: "user", banned: false });
    expect((await api.get.query({ userId: created.id })).email).toBe(email);
    expect((await api.update.mutate({ userId: created.id, data: { name: "Renamed" } })).name).toBe("Renamed");

    const admins = await api.list.query({ filter: { field: "role", value: "admin" } });
    expect(admins.users.map((entry) => entry.id)).toContain(admin.userId);
    expect(admins.users.every((entry) => entry.role === "admin")).toBe(true);

    await api.setPassword.mutate({ userId: created.id, newPassword: "a password set by an admin" });
    expect((await newClient(server).auth.signIn.email({ email, password: "a password set by an admin" })).error).toBeNull();

    await api.ban.mutate({ userId: created.id, reason: "spam", expiresInSeconds: 3600 });
    const banned = await api.list.query({ filter: { field: "banned", value: true } });
    const entry = banned.users.find((candidate) => candidate.id === created.id)!;
    expect(entry.banReason).toBe("spam");
    expect(entry.banExpires!.getTime()).toBeGreaterThan(Date.now() + 3500_000);

    await api.remove.mutate({ userId: created.id });
    expect(await server.database.db.select().from(user).where(eq(user.id, created.id))).toEqual([]);
  });

  it("lists a user's sessions without tokens, revokes one, then all", async () => {
    const target = await signedUpClient(server, "sessions");
    const second = newClient(server);
    await second.auth.signIn.email({ email: target.email, password: PASSWORD });
    const sessions = await admin.client.api.admin.users.sessions.list.query({ userId: target.userId });
    expect(sessions).toHaveLength(2);
    for (const entry of sessions) expect(entry).not.toHaveProperty("token");

    const secondId = (await second.api.session.get.query())!.session.id;
    await admin.client.api.admin.users.sessions.revoke.mutate({ userId: target.userId, sessionId: secondId });
    expect(await second.api.session.get.query()).toBeNull();
    expect(await target.client.api.session.get.query()).not.toBeNull();

    await admin.client.api.admin.users.sessions.revokeAll.mutate({ userId: target.userId });
    expect(await target.client.api.session.get.query()).toBeNull();
  });
});

describe("impersonation", () => {
  it("records who impersonates, lasts at most an hour, administers nothing, and stops", async () => {
    const target = await signedUpClient(server, "impersonated");
    const adminClient = newClient(server);
    await adminClient.auth.signIn.email({ email: admin.email, password: PASSWORD });

    const started = await adminClient.api.admin.users.impersonate.mutate({ userId: target.userId });
    expect(started.impersonating).toBe(target.userId);
    const current = (await adminClient.api.session.get.query())!;
    expect(current.user.id).toBe(target.userId);
    expect(current.session.impersonatedBy).toBe(admin.userId);
    expect(current.session.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 3600_000 + 5_000);

    expect((await trpcError(adminClient.api.admin.users.list.query({}))).data?.code).toBe("FORBIDDEN");
    const direct = await fetch(`${server.url}/api/auth/admin/impersonate-user`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, cookie: await cookieOf(adminClient, server) },
      body: JSON.stringify({ userId: admin.userId }),
    });
    expect(direct.status).toBe(403);

    await adminClient.api.session.stopImpersonating.mutate();
    const back = (await adminClient.api.session.get.query())!;
    expect(back.user.id).toBe(admin.userId);
    expect(back.session.impersonatedBy).toBeNull();
  });

  it("is refused to non-admins", async () => {
    const { client } = await signedUpClient(server, "wannabe");
    const other = await signedUpClient(server, "victim");
    expect((await trpcError(client.api.admin.users.impersonate.mutate({ userId: other.userId }))).data?.code).toBe("FORBIDDEN");
  });
});

describe("the last admin", () => {
  it("cannot demote, ban or remove itself into a service with no admin, through tRPC or Better Auth", async () => {
    const api = admin.client.api.admin.users;
    expect((await trpcError(api.setRole.mutate({ userId: admin.userId, role: "user" }))).message).toMatch(/no admin/);
    expect((await trpcError(api.remove.mutate({ userId: admin.userId }))).data?.httpStatus).toBe(400);
    const direct = await fetch(`${server.url}/api/auth/admin/set-role`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, cookie: await cookieOf(admin.client, server) },
      body: JSON.stringify({ userId: admin.userId, role: "user" }),
    });
    expect(direct.status).toBe(400);
    expect((await admin.client.api.me.get.query()).role).toBe("admin");

    // With a second admin, either may step down.
    const deputy = await signedUpClient(server, "deputy");
    await api.setRole.mutate({ userId: deputy.userId, role: "admin" });
    await api.setRole.mutate({ userId: deputy.userId, role: "user" });
    expect((await deputy.client.api.me.get.query()).role).toBe("user");
  });
});

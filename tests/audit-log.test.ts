import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, user } from "../db/schema/index.js";
import type { KeywayClient } from "../sdk/src/index.js";
import { runCli } from "./helpers/cli.js";
import { newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-audit-"));
let server: TestServer;
let admin: { client: KeywayClient; email: string; userId: string };

beforeAll(async () => {
  server = await startServer(process.env.DATABASE_URL ? {} : { DATA_DIR: dataDir });
  admin = await signedUpClient(server, "auditor");
  await server.stop();
  expect((await runCli(["users:set-role", admin.email, "admin"], server.env)).code).toBe(0);
  await server.start();
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const eventsOf = (actorOrTarget: string) =>
  server.database.db
    .select()
    .from(auditEvent)
    .where(sql`${auditEvent.actorUserId} = ${actorOrTarget} or ${auditEvent.targetId} = ${actorOrTarget}`)
    .orderBy(auditEvent.occurredAt);

describe("the audit log", () => {
  it("records sign-up, sign-in success and failure, settings changes and sign-out, with ip and user agent", async () => {
    const { client, email, userId } = await signedUpClient(server, "audited");
    const failed = await newClient(server).auth.signIn.email({ email, password: "not the password" });
    expect(failed.error?.status).toBe(401);
    const again = newClient(server);
    await again.auth.signIn.email({ email, password: PASSWORD });
    await client.api.settings.update.mutate({ theme: "dark" });
    await client.auth.signOut();

    const mine = (await eventsOf(userId)).map((event) => event.action);
    expect(mine).toEqual(["user.sign_up", "session.sign_in", "settings.update", "session.sign_out"]);
    const [signUp] = await eventsOf(userId);
    expect(signUp).toMatchObject({ actorUserId: userId, ip: "127.0.0.1", userAgent: expect.any(String) });

    const failures = await server.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, "session.sign_in_failed"), sql`${auditEvent.detail}->>'email' = ${email}`));
    expect(failures).toHaveLength(1);
    expect(failures[0]!.actorUserId).toBeNull();
  });

  it("records admin actions with their target, and actions taken while impersonating with the impersonator", async () => {
    const target = await signedUpClient(server, "target");
    const adminClient = newClient(server);
    await adminClient.auth.signIn.email({ email: admin.email, password: PASSWORD });
    await adminClient.api.admin.users.setRole.mutate({ userId: target.userId, role: "admin" });
    await adminClient.api.admin.users.setRole.mutate({ userId: target.userId, role: "user" });
    await adminClient.api.admin.users.ban.mutate({ userId: target.userId, reason: "test" });
    await adminClient.api.admin.users.unban.mutate({ userId: target.userId });
    await adminClient.api.admin.users.impersonate.mutate({ userId: target.userId });
    await adminClient.api.settings.update.mutate({ locale: "fr" });
    await adminClient.api.session.stopImpersonating.mutate();

    const events = await eventsOf(target.userId);
    expect(events.map((event) => event.action)).toEqual([
      "user.sign_up",
      "admin.role_change",
      "admin.role_change",
      "admin.ban",
      "admin.unban",
      "admin.impersonation_start",
      "settings.update",
      "admin.impersonation_stop",
    ]);
    expect(events[1]).toMatchObject({ actorUserId: admin.userId, targetType: "user", detail: { role: "admin" } });
    expect(events[6]).toMatchObject({ actorUserId: target.userId, impersonatorId: admin.userId });
    expect(events[7]).toMatchObject({ actorUserId: target.userId, impersonatorId: admin.userId });
  });

  it("is read by admins with filters and cursor pages, and by each user for their own events", async () => {
    const { client, userId } = await signedUpClient(server, "reader");
    for (const theme of ["dark", "light", "system"] as const) await client.api.settings.update.mutate({ theme });

    const first = await admin.client.api.admin.audit.list.query({ actorUserId: userId, action: "settings.update", limit: 2 });
    expect(first.events).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await admin.client.api.admin.audit.list.query({ actorUserId: userId, action: "settings.update", limit: 2, cursor: first.nextCursor! });
    expect(second.events).toHaveLength(1);
    expect(second.nextCursor).toBeNull();
    expect(new Set([...first.events, ...second.events].map((event) => event.id)).size).toBe(3);

    const own = await client.api.me.securityEvents.query();
    expect(own.events.map((event) => event.action)).toEqual(["settings.update", "settings.update", "settings.update", "user.sign_up"]);
    // What tRPC's infiniteQueryOptions sends for the next page; our lists only page forward.
    const page = await client.api.me.securityEvents.query({ limit: 3, cursor: null, direction: "forward" });
    expect(page.events).toHaveLength(3);
    const next = await client.api.me.securityEvents.query({ limit: 3, cursor: page.nextCursor, direction: "forward" });
    expect(next.events.map((event) => event.action)).toEqual(["user.sign_up"]);
    const backward = await trpcError(client.api.me.securityEvents.query({ limit: 3, direction: "backward" as "forward" }));
    expect(Object.keys(backward.data?.zodError?.fieldErrors ?? {})).toEqual(["direction"]);
    expect((await trpcError(client.api.admin.audit.list.query({}))).data?.code).toBe("FORBIDDEN");
  });

  it("pages by 3 through events written concurrently, each exactly once, to the microsecond", async () => {
    const { client, userId } = await signedUpClient(server, "concurrent");
    // 41 writes at once: on PostgreSQL many share a millisecond and differ only in microseconds.
    // PGlite's clock keeps milliseconds, so 20 rows of one statement are a microsecond apart.
    const written = await Promise.all([
      server.database.db
        .insert(auditEvent)
        .values(Array.from({ length: 20 }, (_, i) => ({ actorUserId: userId, action: "test.concurrent", detail: { i }, occurredAt: sql`now() - interval '1 microsecond' * ${sql.raw(String(i))}` })))
        .returning({ id: auditEvent.id }),
      ...Array.from({ length: 21 }, (_, i) =>
        server.database.db.insert(auditEvent).values({ actorUserId: userId, action: "test.concurrent", detail: { i: 20 + i } }).returning({ id: auditEvent.id }),
      ),
    ]);
    const ids = written.flat().map((row) => row.id).sort();

    const onePage = await admin.client.api.admin.audit.list.query({ actorUserId: userId, action: "test.concurrent", limit: 200 });
    expect(onePage.events.map((event) => event.id).sort()).toEqual(ids);

    const pagedAsAdmin: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { events: { id: string }[]; nextCursor: string | null } = await admin.client.api.admin.audit.list.query({ actorUserId: userId, action: "test.concurrent", limit: 3, cursor });
      pagedAsAdmin.push(...page.events.map((event) => event.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pagedAsAdmin.map((id) => id).sort()).toEqual(ids);
    expect(pagedAsAdmin).toEqual(onePage.events.map((event) => event.id));

    const pagedAsOwner: string[] = [];
    cursor = null;
    do {
      const page: { events: { id: string; action: string }[]; nextCursor: string | null } = await client.api.me.securityEvents.query({ limit: 3, cursor });
      pagedAsOwner.push(...page.events.filter((event) => event.action === "test.concurrent").map((event) => event.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(pagedAsOwner).toEqual(pagedAsAdmin);
  });

  it("refuses a cursor it did not make with a field error", async () => {
    const { client } = await signedUpClient(server, "cursors");
    const forged = [
      "not a cursor",
      Buffer.from("2026-01-01T00:00:00.000Z|x").toString("base64url"),
      Buffer.from(JSON.stringify(["2026-01-01T00:00:00Z", "x"])).toString("base64url"),
      Buffer.from(JSON.stringify(["2026-01-01T00:00:00.000000Z", ""])).toString("base64url"),
    ];
    for (const cursor of forged) {
      const refused = await trpcError(client.api.me.securityEvents.query({ limit: 3, cursor }));
      expect(refused.data?.httpStatus).toBe(400);
      expect(refused.data?.zodError?.fieldErrors.cursor).toEqual(["Not a cursor from this list"]);
      const asAdmin = await trpcError(admin.client.api.admin.audit.list.query({ limit: 3, cursor }));
      expect(asAdmin.data?.zodError?.fieldErrors.cursor).toEqual(["Not a cursor from this list"]);
    }
  });

  it("records password, email, two-factor, session and removal events", async () => {
    const { client, userId } = await signedUpClient(server, "lifecycle");
    await client.auth.changePassword({ currentPassword: PASSWORD, newPassword: "another long passphrase" });
    await client.auth.changeEmail({ newEmail: `moved-${userId.slice(0, 6).toLowerCase()}@example.com` });
    const enabled = await client.auth.twoFactor.enable({ password: "another long passphrase" });
    expect(enabled.error).toBeNull();
    await client.auth.twoFactor.disable({ password: "another long passphrase" });
    const other = newClient(server);
    const [row] = await server.database.db.select().from(user).where(eq(user.id, userId));
    await other.auth.signIn.email({ email: row!.email, password: "another long passphrase" });
    await client.api.sessions.revoke.mutate({ id: (await other.api.session.get.query())!.session.id });
    await admin.client.api.admin.users.remove.mutate({ userId });

    const actions = (await eventsOf(userId)).map((event) => event.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "user.password_change",
        "user.email_change_requested",
        "two_factor.enable",
        "two_factor.disable",
        "session.revoke",
        "admin.user_remove",
      ]),
    );
    // The history outlives the user.
    expect(await server.database.db.select().from(user).where(eq(user.id, userId))).toEqual([]);
  });

  it("cannot be changed or deleted, even with direct SQL", async () => {
    const [row] = await server.database.db.select().from(auditEvent).limit(1);
    await expect(server.database.db.update(auditEvent).set({ action: "forged" }).where(eq(auditEvent.id, row!.id))).rejects.toThrow();
    await expect(server.database.db.delete(auditEvent).where(eq(auditEvent.id, row!.id))).rejects.toThrow();
    const [still] = await server.database.db.select().from(auditEvent).where(eq(auditEvent.id, row!.id));
    expect(still!.action).toBe(row!.action);
  });
});

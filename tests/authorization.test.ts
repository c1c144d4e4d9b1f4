import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../db/schema/index.js";
import { isForbidden } from "../sdk/src/index.js";
import { runCli } from "./helpers/cli.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

// A file-backed database (PGlite on disk, or a PostgreSQL database) so the CLI can reach it.
const dataDir = mkdtempSync(join(tmpdir(), "keyway-authz-"));
let server: TestServer;
beforeAll(async () => {
  server = await startServer(process.env.DATABASE_URL ? {} : { DATA_DIR: dataDir });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});


/** Runs the CLI on the server's database, the way an operator makes the first admin. */
async function cli(...args: string[]) {
  // The embedded database is single-process: the CLI runs while the server is stopped.
  await server.stop();
  try {
    return await runCli(args, server.env);
  } finally {
    await server.start();
  }
}

describe("signed out", () => {
  it("gets UNAUTHORIZED (401) from protected procedures", async () => {
    const client = newClient(server);
    const error = await trpcError(client.api.me.get.query());
    expect(error.data).toMatchObject({ code: "UNAUTHORIZED", httpStatus: 401 });
    const raw = await fetch(`${server.url}/trpc/settings.get`);
    expect(raw.status).toBe(401);
  });

  it("gets 401 {code:UNAUTHORIZED} from protected REST routes", async () => {
    for (const path of ["/api/me", "/api/admin/stats"]) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ code: "UNAUTHORIZED", message: "Sign in to continue" });
    }
  });
});

describe("a signed-in user who is not an admin", () => {
  it("gets FORBIDDEN (403) from admin procedures and 403 {code:FORBIDDEN} from admin REST", async () => {
    const { client } = await signedUpClient(server, "plain");
    const error = await trpcError(client.api.admin.users.list.query({}));
    expect(error.data).toMatchObject({ code: "FORBIDDEN", httpStatus: 403 });
    expect(isForbidden(error)).toBe(true);

    const response = await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: await cookieOf(client, server) } });
    expect(response.status).toBe(403);
    expect(await response.json()).toEqual({ code: "FORBIDDEN", message: "Only admins may do this" });

    const me = await fetch(`${server.url}/api/me`, { headers: { cookie: await cookieOf(client, server) } });
    expect(me.status).toBe(200);
  });

  it("cannot make itself admin through Better Auth's admin endpoint either", async () => {
    const { client, userId } = await signedUpClient(server, "climber");
    const { error } = await client.auth.admin.setRole({ userId, role: "admin" });
    expect(error?.status).toBe(403);
    const [row] = await server.database.db.select({ role: user.role }).from(user).where(eq(user.id, userId));
    expect(row?.role).toBe("user");
  });
});

describe("the admin role, made with the CLI", () => {
  it("refuses unknown accounts and bad arguments without touching anything", async () => {
    const missing = await cli("users:set-role", "nobody@example.com", "admin");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("No account with email nobody@example.com");
    const bad = await cli("users:set-role", "not-an-email", "root");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("users:set-role needs an email");
  });

  it("promotes an account, which can then list, search, re-role, ban and unban users", async () => {
    const admin = await signedUpClient(server, "admin");
    const target = await signedUpClient(server, "target");
    for (let i = 0; i < 3; i++) await signedUpClient(server, `filler${i}`);

    const promoted = await cli("users:set-role", admin.email, "admin");
    expect(promoted).toMatchObject({ code: 0 });
    expect(promoted.stdout).toContain(`${admin.email} now has role admin`);

    // Sessions survive a restart; the new role shows on the very next call.
    expect((await admin.client.api.me.get.query()).role).toBe("admin");
    const stats = await fetch(`${server.url}/api/admin/stats`, { headers: { cookie: await cookieOf(admin.client, server) } });
    expect(stats.status).toBe(200);
    expect((await stats.json()).data.users).toBeGreaterThanOrEqual(5);

    const found = await admin.client.api.admin.users.list.query({ search: target.email });
    expect(found.total).toBe(1);
    expect(found.users[0]).toMatchObject({ id: target.userId, email: target.email, role: "user", banned: false });

    const page1 = await admin.client.api.admin.users.list.query({ search: "filler", searchField: "name", limit: 2 });
    const page2 = await admin.client.api.admin.users.list.query({ search: "filler", searchField: "name", limit: 2, offset: 2 });
    expect(page1.total).toBe(3);
    expect(page1.users).toHaveLength(2);
    expect(page2.users).toHaveLength(1);
    expect(new Set([...page1.users, ...page2.users].map((entry) => entry.id)).size).toBe(3);

    const reRoled = await admin.client.api.admin.users.setRole.mutate({ userId: target.userId, role: "admin" });
    expect(reRoled.role).toBe("admin");
    expect((await target.client.api.me.get.query()).role).toBe("admin");
    await admin.client.api.admin.users.setRole.mutate({ userId: target.userId, role: "user" });
    expect((await target.client.api.me.get.query()).role).toBe("user");

    await admin.client.api.admin.users.ban.mutate({ userId: target.userId, reason: "spam" });
    const banned = await trpcError(target.client.api.me.get.query());
    expect(banned.data!.httpStatus).toBe(401);
    const retry = await newClient(server).auth.signIn.email({ email: target.email, password: PASSWORD });
    expect(retry.error?.status).toBe(403);
    expect(retry.error?.message).toMatch(/banned/i);

    await admin.client.api.admin.users.unban.mutate({ userId: target.userId });
    const back = await newClient(server).auth.signIn.email({ email: target.email, password: PASSWORD });
    expect(back.error).toBeNull();
  });

  it("validates admin inputs", async () => {
    const { client } = await signedUpClient(server, "validator");
    const error = await trpcError(
      // @ts-expect-error role must be one of the known roles
      client.api.admin.users.setRole.mutate({ userId: "x", role: "superuser" }),
    );
    // Authentication and authorization run before input parsing: a non-admin learns nothing.
    expect(error.data!.code).toBe("FORBIDDEN");
  });
});

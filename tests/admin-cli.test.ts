import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, session, user } from "../db/schema/index.js";
import { runCli } from "./helpers/cli.js";
import { newClient, PASSWORD, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { startRedisProcess } from "./helpers/redis-process.js";
import { freePort } from "./helpers/server-process.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { startSmtpServer } from "./helpers/smtp.js";
import { trpcError } from "./helpers/trpc.js";

// The server runs the whole time: the CLI works beside it, on the same database.
let server: TestServer;
let drop = async () => {};
beforeAll(async () => {
  const database = await createPostgresDatabase();
  drop = database.drop;
  server = await startServer({ DATABASE_URL: database.url });
});
afterAll(async () => {
  await server?.close();
  await drop();
});

const cli = (args: string[], input?: string) => runCli(args, server.env, input);

/** The audit log's events about one account, oldest first. */
async function auditOf(userId: string) {
  const rows = await server.database.db.select().from(auditEvent).where(eq(auditEvent.targetId, userId)).orderBy(auditEvent.occurredAt);
  return rows.map((row) => ({ action: row.action, actorUserId: row.actorUserId, detail: row.detail }));
}

async function counts() {
  const [users] = await server.database.db.select({ n: count() }).from(user);
  const [sessions] = await server.database.db.select({ n: count() }).from(session);
  return { users: users!.n, sessions: sessions!.n };
}

describe("bad input", () => {
  it("gets a clear error, exit 2 (1 for an unknown account), and changes nothing", async () => {
    const victim = await signedUpClient(server, "bystander");
    const before = await counts();
    const cases: [string[], number, string][] = [
      [["users:nope"], 2, "Usage: npm run keyway"],
      [["users:create", "not-an-email", "Name"], 2, "users:create needs an email, a name"],
      [["users:create", uniqueEmail("x"), "Name", "--role", "root"], 2, "users:create needs an email, a name"],
      [["users:create", uniqueEmail("x"), "Name", "--colour", "red"], 2, "users:create: Unknown option '--colour'"],
      [["users:ban", victim.email, "--expires-in", "soon"], 2, "users:ban needs an email"],
      [["users:ban"], 2, "users:ban needs an email"],
      [["users:ban", "nobody@example.com"], 1, "No account with email nobody@example.com"],
      [["sessions:revoke-all", "nobody@example.com"], 1, "No account with email nobody@example.com"],
      [["sessions:revoke-all", victim.email, "extra"], 2, "sessions:revoke-all needs an email"],
      [["users:list", "--limit", "0"], 2, "users:list needs no arguments"],
      [["users:set-role", victim.email, "root"], 2, "users:set-role needs an email"],
    ];
    for (const [args, code, message] of cases) {
      const result = await cli(args, "");
      expect({ args, code: result.code }).toEqual({ args, code });
      expect(result.stderr, args.join(" ")).toContain(message);
    }
    const short = await cli(["users:create", uniqueEmail("short"), "Short"], "abc\n");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("the password (read from standard input) must be 8 to 128 characters");
    const taken = await cli(["users:create", victim.email, "Again"], `${PASSWORD}\n`);
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain(`An account with email ${victim.email} already exists.`);

    expect(await counts()).toEqual(before);
    expect((await victim.client.api.me.get.query()).email).toBe(victim.email);
  }, 300_000);
});

describe("users:create and users:list", () => {
  it("makes an account that signs in with the password from stdin, and lists it", async () => {
    const email = uniqueEmail("made-by-cli");
    const created = await cli(["users:create", email.toUpperCase(), "Grace Hopper", "--role", "admin"], `${PASSWORD}\n`);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`Created ${email} \\(id \\S+\\) with role admin`));

    const client = newClient(server);
    const { error } = await client.auth.signIn.email({ email, password: PASSWORD });
    expect(error).toBeNull();
    expect(await client.api.me.get.query()).toMatchObject({ email, name: "Grace Hopper", role: "admin" });

    const listed = await cli(["users:list", "--search", "made-by-cli"]);
    expect(listed.code).toBe(0);
    const [header, ...rows] = listed.stdout.trim().split("\n");
    expect(header).toMatch(/^email\s+role\s+state\s+name\s+id\s+created$/);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(new RegExp(`^${email}\\s+admin\\s+Grace Hopper`));

    const [made] = await server.database.db.select({ id: user.id }).from(user).where(eq(user.email, email));
    expect((await cli(["users:set-role", email, "user"])).code).toBe(0);
    expect(await auditOf(made!.id)).toContainEqual({ action: "admin.role_change", actorUserId: null, detail: { via: "cli", role: "user" } });
    expect((await cli(["users:list", "--search", "no-such-person-anywhere"])).stdout.trim()).toBe("No accounts.");
  });
});

describe("on a running server", () => {
  it("users:ban takes effect on the very next call, and sign-in is refused", async () => {
    const target = await signedUpClient(server, "to-ban");
    // Read twice: the server has this session in its cache.
    await target.client.api.me.get.query();
    expect((await target.client.api.me.get.query()).email).toBe(target.email);

    const banned = await cli(["users:ban", target.email, "--reason", "spam", "--expires-in", "3600"]);
    expect(banned).toMatchObject({ code: 0, stdout: `${target.email} is banned for 3600 seconds and signed out everywhere\n` });

    expect((await trpcError(target.client.api.me.get.query())).data).toMatchObject({ httpStatus: 401 });
    const again = await newClient(server).auth.signIn.email({ email: target.email, password: PASSWORD });
    expect(again.error?.status).toBe(403);
    const [row] = await server.database.db.select({ banned: user.banned, reason: user.banReason }).from(user).where(eq(user.id, target.userId));
    expect(row).toEqual({ banned: true, reason: "spam" });
    expect(await auditOf(target.userId)).toContainEqual({ action: "admin.ban", actorUserId: null, detail: { via: "cli", reason: "spam", expiresIn: 3600 } });
  });

  it("sessions:revoke-all signs the account out everywhere on the very next call, and it can sign in again", async () => {
    const target = await signedUpClient(server, "to-revoke");
    const second = newClient(server);
    await second.auth.signIn.email({ email: target.email, password: PASSWORD });
    for (const client of [target.client, second]) expect((await client.api.me.get.query()).email).toBe(target.email);

    const revoked = await cli(["sessions:revoke-all", target.email]);
    expect(revoked).toMatchObject({ code: 0, stdout: `${target.email} is signed out everywhere (2 sessions ended)\n` });

    for (const client of [target.client, second]) {
      expect((await trpcError(client.api.me.get.query())).data).toMatchObject({ httpStatus: 401 });
    }
    expect(await auditOf(target.userId)).toContainEqual({ action: "admin.sessions_revoke", actorUserId: null, detail: { via: "cli" } });
    const fresh = newClient(server);
    expect((await fresh.auth.signIn.email({ email: target.email, password: PASSWORD })).error).toBeNull();
  });
});

describe("doctor", () => {
  it("says ok for each part when everything answers", async () => {
    const redis = await startRedisProcess();
    const smtp = await startSmtpServer();
    try {
      const result = await runCli(["doctor"], { ...server.env, REDIS_URL: redis.url, SMTP_URL: smtp.url });
      expect(result.stdout).toContain("ok   config: NODE_ENV=test");
      expect(result.stdout).toContain("ok   database: PostgreSQL at 127.0.0.1:5432 answers; no pending migrations");
      expect(result.stdout).toContain(`ok   redis: ${new URL(redis.url).host} answers`);
      expect(result.stdout).toContain(`ok   smtp: ${new URL(smtp.url).host} accepts connections`);
      expect(result.code).toBe(0);
      expect(result.stdout).not.toContain("secret");
    } finally {
      await smtp.close();
      await redis.destroy();
    }
  });

  it("exits 1 with one line per problem: pending migrations, Redis and SMTP unreachable", async () => {
    const fresh = await createPostgresDatabase();
    try {
      const [redisPort, smtpPort] = [await freePort(), await freePort()];
      const result = await runCli(["doctor"], {
        ...server.env,
        DATABASE_URL: fresh.url,
        REDIS_URL: `redis://127.0.0.1:${redisPort}`,
        SMTP_URL: `smtp://keyway:secret@127.0.0.1:${smtpPort}`,
      });
      expect(result.code).toBe(1);
      const lines = result.stdout.trim().split("\n");
      expect(lines[0]).toBe("ok   config: NODE_ENV=test");
      expect(lines[1]).toMatch(/^FAIL database: PostgreSQL at 127\.0\.0\.1:5432 answers, but \d+ migration\(s\) are pending \(0000_init, .*\): run `npm run keyway -- migrate`$/);
      expect(lines[2]).toMatch(new RegExp(`^FAIL redis: 127\\.0\\.0\\.1:${redisPort} unreachable: .*ECONNREFUSED`));
      expect(lines[3]).toMatch(new RegExp(`^FAIL smtp: 127\\.0\\.0\\.1:${smtpPort} unreachable or refusing: .*ECONNREFUSED`));
      expect(lines[4]).toBe("3 problems found.");
      expect(result.stdout).not.toContain("secret");
      // The doctor only looks: the fresh database is still unmigrated.
      expect((await runCli(["doctor"], { ...server.env, DATABASE_URL: fresh.url })).stdout).toContain("are pending");
    } finally {
      await fresh.drop();
    }
  });

  it("names every bad variable", async () => {
    const result = await runCli(["doctor"], { ...server.env, PORT: "eighty", SESSION_COOKIE_CACHE: "maybe" });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("FAIL config: PORT");
    expect(result.stdout).toContain("FAIL config: SESSION_COOKIE_CACHE");
  });
});

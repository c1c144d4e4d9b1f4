import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./helpers/cli.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

// Migrations as their own step is a PostgreSQL deployment's concern: replicas plus a one-shot job.
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let server: ServerProcess | undefined;

async function hasUserTable() {
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const { rows } = await client.query<{ table: string | null }>(`select to_regclass('public."user"')::text as table`);
    return rows[0]?.table !== null;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  database = await createPostgresDatabase();
});

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  await database?.drop();
});

describe("npm run keyway -- migrate, and MIGRATE_ON_START=false", () => {
  it("a server with MIGRATE_ON_START=false leaves the schema alone; migrate applies it and exits 0; the server then serves", async () => {
    server = await startServerProcess({ DATABASE_URL: database.url, MIGRATE_ON_START: "false", SWEEP_INTERVAL_SECONDS: "0" });
    expect(await hasUserTable()).toBe(false);

    const migrated = await runCli(["migrate"], { DATABASE_URL: database.url });
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toContain("Migrations applied");
    expect(await hasUserTable()).toBe(true);

    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: uniqueEmail("migrated"), password: PASSWORD, name: "Migrated" }),
    });
    expect(response.status).toBe(200);
    expect(await server.stop()).toBe(0);
  });

  it("running migrate again changes nothing and still exits 0; extra arguments are refused", async () => {
    const again = await runCli(["migrate"], { DATABASE_URL: database.url });
    expect(again.code).toBe(0);
    expect(await hasUserTable()).toBe(true);

    const wrong = await runCli(["migrate", "now"], { DATABASE_URL: database.url });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain("migrate takes no arguments");
  });

  it("MIGRATE_ON_START defaults to on and accepts true/false only", async () => {
    const { loadConfig, ConfigError } = await import("../server/config.js");
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(loadConfig({ MIGRATE_ON_START: "false" }).migrateOnStart).toBe(false);
    expect(() => loadConfig({ MIGRATE_ON_START: "nope" })).toThrow(ConfigError);
  });
});

import { randomBytes } from "node:crypto";
import pg from "pg";

/**
 * Each test file gets a database of its own: a fresh PostgreSQL database when
 * DATABASE_URL is set (dropped afterwards), otherwise an in-memory PGlite.
 */
export async function createTestDatabase(): Promise<{ url: string | undefined; drop: () => Promise<void> }> {
  if (!process.env.DATABASE_URL) return { url: undefined, drop: async () => {} };
  return createPostgresDatabase();
}

/** The machine's PostgreSQL, for tests that need several processes on one database. */
export const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/test";

/** A fresh PostgreSQL database (DATABASE_URL's server, else the local one), whatever the suite runs on. */
export async function createPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const adminUrl = process.env.DATABASE_URL ?? LOCAL_POSTGRES;
  const name = `keyway_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}

import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import lockfile from "proper-lockfile";
import * as schema from "./schema/index.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: "postgres" | "pglite";
  db: Db;
  /** Applies pending migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Receives NOTIFY payloads on `channel` until the returned function is called. */
  subscribe(channel: string, handlers: SubscriptionHandlers): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export interface SubscriptionHandlers {
  message(payload: string): void;
  /** The subscription is (again) live: nothing missed from here on. */
  up(): void;
  /** The subscription is lost: notifications may be missed until `up` is called again. */
  down(): void;
}

export interface DatabaseOptions {
  /** postgres:// URL; without it an embedded PGlite is used. */
  url?: string;
  /** PGlite data directory, or "memory://" for a throwaway database. */
  dataDir?: string;
  poolMax?: number;
}

const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 0x6b6579; // "key": serialises migrations across instances

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.url ? openPostgres(options.url, options.poolMax ?? 10) : openPglite(options.dataDir ?? "./.data");
}

function openPostgres(url: string, max: number): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: 5_000,
    query_timeout: 15_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    kind: "postgres",
    db,
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
    async ping() {
      await pool.query("select 1");
    },
    subscribe: (channel, handlers) => subscribePostgres(url, channel, handlers),
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  const dir = inMemory ? dataDir : resolve(dataDir, "pglite");
  const unlock = inMemory ? async () => {} : await lockDataDir(dir);
  const client = new PGlite(dir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    kind: "pglite",
    db,
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    async ping() {
      await db.execute(sql`select 1`);
    },
    async subscribe(channel, handlers) {
      const unlisten = await client.listen(channel, handlers.message);
      handlers.up();
      return () => unlisten();
    },
    async close() {
      await client.close();
      await unlock();
    },
  };
}

/** LISTEN on a dedicated connection, reconnecting with backoff when it drops. */
async function subscribePostgres(url: string, channel: string, handlers: SubscriptionHandlers) {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (delay: number) => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, keepAlive: true });
    const lost = () => {
      if (client !== next) return;
      client = undefined;
      handlers.down();
      next.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(Math.min(delay * 2, 10_000)), delay);
    };
    next.on("error", lost);
    next.on("end", lost);
    next.on("notification", (notification) => handlers.message(notification.payload ?? ""));
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (client === next) handlers.up();
    } catch {
      lost();
    }
  };

  await connect(500);
  return async () => {
    stopped = true;
    clearTimeout(retry);
    const current = client;
    client = undefined;
    await current?.end().catch(() => {});
  };
}

/** PGlite is single-process: a second process opening the same directory would corrupt it. */
async function lockDataDir(dir: string) {
  mkdirSync(dir, { recursive: true });
  try {
    return await lockfile.lock(dir, { stale: 15_000, update: 5_000, retries: 0 });
  } catch {
    throw new Error(
      `The embedded database in ${dir} is in use by another keyway process. Stop it first, or set DATABASE_URL to use PostgreSQL.`,
    );
  }
}

import { chmodSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomUUID } from "node:crypto";
import { PGlite } from "@electric-sql/pglite";
import { PGLiteSocketServer } from "@electric-sql/pglite-socket";
import { sql } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { lockDataDir } from "./data-dir-lock.js";
import { tracedDriver } from "./traced-driver.js";
import * as schema from "./schema/index.js";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  kind: "postgres" | "pglite";
  db: Db;
  /** Applies pending migrations; safe to call from several instances at once. */
  migrate(): Promise<void>;
  /** Resolves when the database answers a trivial query within PING_TIMEOUT_MS. */
  ping(): Promise<void>;
  /** A warning naming DB_POOL_MAX and max_connections when one instance's pool takes more than its share. */
  checkConnectionBudget(): Promise<string | undefined>;
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
  /** Told the text of every statement Drizzle sends (tests count them). */
  onQuery?: (query: string) => void;
  /**
   * The embedded database only. `serve`: hold it and share it on a Unix socket
   * (`<DATA_DIR>/socket`) for the CLI, psql or drizzle-kit (the server). `join`: when another
   * process holds it, go through that socket (the CLI). Unset: hold it, or fail.
   */
  shared?: "serve" | "join";
  /** Each statement Drizzle sends is a span of the global tracer (the server, when tracing is on). */
  traced?: boolean;
}

export const migrationsFolder = fileURLToPath(new URL("./migrations", import.meta.url));
const MIGRATION_LOCK = 0x6b6579; // "key": serialises migrations across instances

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger = options.onQuery ? { logQuery: options.onQuery } : undefined;
  const traced = options.traced ?? false;
  return options.url
    ? openPostgres(options.url, options.poolMax ?? 10, logger, traced)
    : openPglite(options.dataDir ?? "./.data", logger, options.shared, traced);
}

/**
 * One request's database work stays within about 5 s: waiting for a connection, then a query
 * (the server cancels it first, so the connection stays usable), then the health ping that
 * tells a failed query's 503 from a 500.
 */
const CONNECT_TIMEOUT_MS = 2_000;
const STATEMENT_TIMEOUT_MS = 2_000;
const QUERY_TIMEOUT_MS = 2_500;
const PING_TIMEOUT_MS = 1_000;
const KEEPALIVE_DELAY_MS = 5_000;

type QueryLogger = { logQuery: (query: string) => void } | undefined;

function openPostgres(url: string, max: number, logger: QueryLogger, traced: boolean): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  });
  // pg-pool listens for errors only while a client is idle; a connection lost while checked out
  // (in a transaction, between statements) would crash the process. Every client gets a listener
  // for its whole life; the query in progress, or the next one, reports the failure.
  pool.on("connect", (client) => client.on("error", () => {}));
  pool.on("error", () => {});
  const db = drizzlePg(traced ? tracedDriver(pool) : pool, { schema, logger }) as unknown as Db;
  return {
    kind: "postgres",
    db,
    async migrate() {
      // Its own connection without timeouts: waiting for another instance's migration, or a long DDL statement, is fine.
      const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
      client.on("error", () => {});
      await client.connect();
      try {
        await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK]);
        await migratePg(drizzlePg(client, { schema }), { migrationsFolder });
      } finally {
        await client.end().catch(() => {});
      }
    },
    async ping() {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error("connection timeout: the database did not answer a ping")), PING_TIMEOUT_MS);
      });
      try {
        await Promise.race([pool.query("select 1"), late]);
      } finally {
        clearTimeout(timer);
      }
    },
    async checkConnectionBudget() {
      const { rows } = await pool.query<{ max: number; reserved: number }>(
        "select current_setting('max_connections')::int as max, current_setting('superuser_reserved_connections')::int as reserved",
      );
      const { max: maxConnections, reserved } = rows[0]!;
      // The pool plus the change listener, against half the server: two instances (a rolling restart) must fit.
      if (max + 1 <= (maxConnections - reserved) / 2) return undefined;
      return `DB_POOL_MAX=${max} (plus 1 listener connection) is more than half of PostgreSQL's max_connections=${maxConnections} (${reserved} reserved for superusers): a second instance can exhaust it and requests get 503 "too many clients". Lower DB_POOL_MAX or raise max_connections.`;
    },
    subscribe: (channel, handlers) => subscribePostgres(url, channel, handlers),
    close: () => pool.end(),
  };
}

/** Where a process holding the embedded database serves it: a directory holding `.s.PGSQL.5432`, as psql's `-h` expects. */
export function sharedSocketDir(dataDir: string) {
  return resolve(dataDir, "socket");
}
const SOCKET_FILE = ".s.PGSQL.5432";
/** Connections the shared embedded database takes at once (each queues for the one PGlite). */
const SOCKET_MAX_CONNECTIONS = 8;

async function openPglite(dataDir: string, logger: QueryLogger, shared: DatabaseOptions["shared"], traced: boolean): Promise<Database> {
  const inMemory = dataDir.startsWith("memory://");
  const dir = inMemory ? dataDir : resolve(dataDir, "pglite");
  const socketDir = sharedSocketDir(dataDir);
  let unlock: () => Promise<void>;
  try {
    unlock = inMemory ? async () => {} : lockDataDir(dir);
  } catch (error) {
    // Another process holds it: when that process shares it, go through its socket instead.
    if (shared !== "join" || inMemory || !existsSync(join(socketDir, SOCKET_FILE))) throw error;
    const viaSocket = openSharedPglite(socketDir);
    // A holder that does not answer (paused, stuck) leaves the database in use.
    const answers = await viaSocket.ping().then(() => true, () => false);
    if (answers) return viaSocket;
    await viaSocket.close().catch(() => {});
    throw error;
  }
  const client = new PGlite(dir);
  const db = drizzlePglite(traced ? tracedDriver(client) : client, { schema, logger }) as unknown as Db;
  const subscribers = new Set<SubscriptionHandlers>();
  let socket: PGLiteSocketServer | undefined;
  if (shared === "serve" && !inMemory) {
    mkdirSync(socketDir, { recursive: true });
    // We hold the lock: a socket file left here is a previous life's.
    rmSync(join(socketDir, SOCKET_FILE), { force: true });
    // NOTIFYs raised by a socket client's statements go back to that client, not to our
    // listeners: after each message it sends, tell them they may have missed changes.
    const missed = () => {
      for (const handlers of subscribers) {
        handlers.down();
        handlers.up();
      }
    };
    socket = new PGLiteSocketServer({ db: announcingChanges(client, missed), path: join(socketDir, SOCKET_FILE), maxConnections: SOCKET_MAX_CONNECTIONS });
    await socket.start();
    // PGlite asks no password: only the owner of the data directory may connect.
    chmodSync(join(socketDir, SOCKET_FILE), 0o600);
  }
  return {
    kind: "pglite",
    db,
    migrate: () => migratePglite(drizzlePglite(client, { schema }), { migrationsFolder }),
    async ping() {
      await db.execute(sql`select 1`);
    },
    checkConnectionBudget: async () => undefined,
    async subscribe(channel, handlers) {
      const unlisten = await client.listen(channel, (payload) => handlers.message(payload));
      subscribers.add(handlers);
      handlers.up();
      return () => {
        subscribers.delete(handlers);
        return unlisten();
      };
    },
    async close() {
      await socket?.stop();
      await client.close();
      await unlock();
    },
  };
}

/** `client` as the socket server sees it: each protocol message it runs is followed by `ran()`. */
function announcingChanges(client: PGlite, ran: () => void): PGlite {
  return new Proxy(client, {
    get(target, property) {
      if (property === "execProtocolRawStream") {
        return async (...args: Parameters<PGlite["execProtocolRawStream"]>) => {
          try {
            return await target.execProtocolRawStream(...args);
          } finally {
            ran();
          }
        };
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** The embedded database another process holds and shares, through its socket: a small PostgreSQL pool. */
function openSharedPglite(socketDir: string): Database {
  const shared = openPostgres(`postgres://postgres@localhost/postgres?host=${encodeURIComponent(socketDir)}`, 2, undefined, false);
  return { ...shared, kind: "pglite", checkConnectionBudget: async () => undefined };
}

/** How often the listener's own heartbeat goes round; one not back by the next beat means the link is dead. */
const HEARTBEAT_MS = 2_000;

/**
 * LISTEN on a dedicated connection, reconnecting with backoff when it drops. A heartbeat NOTIFY
 * on a channel of its own goes out through that connection and must come back on it: a link
 * that silently drops packets (no FIN, no RST) is noticed within two beats.
 */
async function subscribePostgres(url: string, channel: string, handlers: SubscriptionHandlers) {
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  const heartbeatChannel = `${channel}_heartbeat_${randomUUID().replaceAll("-", "")}`;

  const connect = async (delay: number) => {
    const next = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
      keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    });
    let heartbeat: NodeJS.Timeout | undefined;
    let beatsOut = 0;
    const lost = () => {
      clearInterval(heartbeat);
      if (client !== next) return;
      client = undefined;
      handlers.down();
      // With a query stuck on a dead link, end() destroys the socket rather than waiting.
      next.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void connect(Math.min(delay * 2, 10_000)), delay);
    };
    next.on("error", lost);
    next.on("end", lost);
    next.on("notification", (notification) => {
      if (notification.channel === heartbeatChannel) beatsOut = 0;
      else handlers.message(notification.payload ?? "");
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      await next.query(`LISTEN ${pg.escapeIdentifier(heartbeatChannel)}`);
      if (client !== next) return;
      heartbeat = setInterval(() => {
        if (beatsOut > 0) return lost();
        beatsOut++;
        next.query("select pg_notify($1, '')", [heartbeatChannel]).catch(() => {});
      }, HEARTBEAT_MS);
      heartbeat.unref();
      delay = 500;
      handlers.up();
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


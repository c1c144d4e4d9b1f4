import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { count, eq } from "drizzle-orm";
import pg from "pg";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../../db/client.js";
import { auditEvent, mailOutbox } from "../../db/schema/index.js";
import { SIGN_IN_CHANNEL, type SignInEvent } from "../auth/plugins/sign-in-events.js";

export type Metrics = ReturnType<typeof createMetrics>;

/**
 * keyway's Prometheus metrics, in a registry of this instance's own. Counters of requests,
 * sign-ins and session-cache lookups count what this instance served; the mail gauges and
 * counter read the shared database at scrape time, so every replica reports the cluster's value.
 */
export function createMetrics(database: Database) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];

  const httpRequests = new Counter({
    name: "keyway_http_requests_total",
    help: "HTTP requests answered, by route pattern, method and status",
    labelNames: ["route", "method", "status"] as const,
    registers,
  });
  const httpDuration = new Histogram({
    name: "keyway_http_request_duration_seconds",
    help: "Time from receiving a request to sending its answer",
    labelNames: ["route", "method"] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const signIns = new Counter({
    name: "keyway_sign_ins_total",
    help: "Sign-in attempts through Better Auth, by method and outcome",
    labelNames: ["method", "outcome"] as const,
    registers,
  });
  const cacheHits = new Counter({ name: "keyway_session_cache_hits_total", help: "Session reads answered by this instance's session cache", registers });
  const cacheMisses = new Counter({ name: "keyway_session_cache_misses_total", help: "Session reads that had to ask Better Auth", registers });

  // A scrape while the database is away keeps the last values rather than failing whole.
  const fromDatabase = async (read: () => Promise<number>, apply: (value: number) => void) => {
    const value = await read().catch(() => undefined);
    if (value !== undefined) apply(value);
  };
  const countRows = async (query: Promise<{ n: number }[]>) => Number((await query)[0]?.n ?? 0);
  new Gauge({
    name: "keyway_mail_queue_depth",
    help: "Messages in mail_outbox waiting to be sent (all instances)",
    registers,
    async collect() {
      await fromDatabase(
        () => countRows(database.db.select({ n: count() }).from(mailOutbox).where(eq(mailOutbox.status, "pending"))),
        (value) => this.set(value),
      );
    },
  });
  new Counter({
    name: "keyway_mail_failures_total",
    help: "Messages given up on after their last attempt (all instances; from the audit log)",
    registers,
    async collect() {
      await fromDatabase(
        () => countRows(database.db.select({ n: count() }).from(auditEvent).where(eq(auditEvent.action, "mail.delivery_failed"))),
        (value) => {
          this.reset();
          this.inc(value);
        },
      );
    },
  });

  // Drizzle's node-postgres database carries its pool; the embedded PGlite has none to report.
  const pool = (database.db as unknown as { $client?: unknown }).$client;
  if (pool instanceof pg.Pool) {
    new Gauge({
      name: "keyway_db_pool_connections_in_use",
      help: "PostgreSQL connections checked out of this instance's pool",
      registers,
      collect() {
        this.set(pool.totalCount - pool.idleCount);
      },
    });
    new Gauge({
      name: "keyway_db_pool_waiting",
      help: "Queries waiting for a PostgreSQL connection from this instance's pool",
      registers,
      collect() {
        this.set(pool.waitingCount);
      },
    });
  }

  const onSignIn = (message: unknown) => {
    const { method, outcome } = message as SignInEvent;
    signIns.inc({ method, outcome });
  };
  subscribe(SIGN_IN_CHANNEL, onSignIn);

  return {
    registry,
    request(route: string, method: string, status: number, seconds: number) {
      httpRequests.inc({ route, method, status: String(status) });
      httpDuration.observe({ route, method }, seconds);
    },
    sessionCacheLookup(hit: boolean) {
      (hit ? cacheHits : cacheMisses).inc();
    },
    stop() {
      unsubscribe(SIGN_IN_CHANNEL, onSignIn);
    },
  };
}

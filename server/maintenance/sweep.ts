import { type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client.js";
import { invitation, mailOutbox, rateLimit, serviceTokenUse, session, signInFailure, verification } from "../../db/schema/index.js";

export interface SweepPolicy {
  /** Rows deleted per statement: each batch is its own short transaction. */
  batchSize: number;
  /** The account-lockout window: a failure count older than this no longer counts. */
  lockoutWindowSeconds: number;
  sentMailDays: number;
  failedMailDays: number;
}

/** Rows removed per table; `skipped` when another instance held the sweep lock. */
export interface SweepReport {
  skipped: boolean;
  removed: Record<string, number>;
}

/** The advisory lock every instance (and the CLI) takes before a batch: one sweeper at a time. */
export const SWEEP_LOCK = 0x6b657977; // "keyw"
/** Longer than any rate-limit window Better Auth or a plugin uses. */
const RATE_LIMIT_RETENTION_MS = 24 * 60 * 60 * 1000;

/** node-postgres and PGlite both answer `execute` with `{ rows }`. */
const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

function targets(policy: SweepPolicy): { table: PgTable; name: string; dead: SQL }[] {
  return [
    { table: session, name: "session", dead: sql`${session.expiresAt} < now()` },
    // Used tokens (reset, magic link, OTP) are deleted when consumed; what is left has expired.
    { table: verification, name: "verification", dead: sql`${verification.expiresAt} < now()` },
    {
      table: rateLimit,
      name: "rate_limit",
      dead: sql`${rateLimit.lastRequest} < (extract(epoch from now()) * 1000)::bigint - ${RATE_LIMIT_RETENTION_MS}`,
    },
    {
      table: signInFailure,
      name: "sign_in_failure",
      dead: sql`${signInFailure.windowStart} < now() - make_interval(secs => ${policy.lockoutWindowSeconds})`,
    },
    // Past their expiry and never accepted (pending, rejected or canceled): nobody can act on them.
    { table: invitation, name: "invitation", dead: sql`${invitation.expiresAt} < now() and ${invitation.status} <> 'accepted'` },
    {
      table: mailOutbox,
      name: "mail_outbox",
      dead: sql`(${mailOutbox.status} = 'sent' and ${mailOutbox.sentAt} < now() - make_interval(days => ${policy.sentMailDays}))
        or (${mailOutbox.status} = 'failed' and ${mailOutbox.createdAt} < now() - make_interval(days => ${policy.failedMailDays}))`,
    },
    { table: serviceTokenUse, name: "service_token_use", dead: sql`${serviceTokenUse.expiresAt} < now()` },
  ];
}

/**
 * Deletes expired and spent rows in batches of `batchSize`, each batch a transaction of its own
 * that first takes the sweep's advisory lock: rows locked by a request are skipped, never waited
 * for, and an instance that finds the lock taken leaves this round to the one holding it.
 */
export async function sweep(db: Db, policy: SweepPolicy): Promise<SweepReport> {
  const removed: Record<string, number> = {};
  for (const { table, name, dead } of targets(policy)) {
    removed[name] = 0;
    for (;;) {
      const batch = await db.transaction(async (tx) => {
        const [lock] = rowsOf<{ locked: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${SWEEP_LOCK}) as locked`));
        if (!lock?.locked) return undefined;
        const [deleted] = rowsOf<{ count: number }>(await tx.execute(sql`
          with gone as (
            delete from ${table} where ctid = any(array(
              select ctid from ${table} where ${dead} limit ${policy.batchSize} for update skip locked
            ))
            returning 1
          )
          select count(*)::int as count from gone`));
        return deleted?.count ?? 0;
      });
      if (batch === undefined) return { skipped: true, removed };
      removed[name] += batch;
      if (batch < policy.batchSize) break;
    }
  }
  return { skipped: false, removed };
}

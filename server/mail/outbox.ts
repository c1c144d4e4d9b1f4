import { randomUUID } from "node:crypto";
import { and, desc, eq, lte, min, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { mailOutbox } from "../../db/schema/index.js";
import type { MailMessage } from "./mailer.js";

/** A message the worker has claimed: `attempts` counts this attempt. */
export type QueuedMail = MailMessage & { id: string; attempts: number };

/** The same SQL on PostgreSQL and PGlite: rows of `mail_outbox`, moved pending → sent | failed. */
export async function enqueueMail(db: Db, message: MailMessage): Promise<string> {
  const id = randomUUID();
  await db.insert(mailOutbox).values({ id, ...message });
  return id;
}

/**
 * Takes the oldest due message and pushes its next attempt `leaseSeconds` away, in one
 * statement: an instance that crashes mid-send leaves it to be retried after the lease,
 * and `SKIP LOCKED` keeps two instances from taking the same row.
 */
export async function claimDueMail(db: Db, leaseSeconds: number): Promise<QueuedMail | undefined> {
  const due = and(eq(mailOutbox.status, "pending"), lte(mailOutbox.nextAttemptAt, sql`now()`));
  const next = db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(due)
    .orderBy(mailOutbox.nextAttemptAt)
    .limit(1)
    .for("update", { skipLocked: true });
  const [claimed] = await db
    .update(mailOutbox)
    .set({ attempts: sql`${mailOutbox.attempts} + 1`, nextAttemptAt: sql`now() + make_interval(secs => ${leaseSeconds})` })
    // `= (subquery)`, not `in`: a scalar subquery runs once, while a semi-join may be rescanned
    // and, skipping its own locks, claim more rows than the one returned.
    .where(and(eq(mailOutbox.id, sql`(${next})`), due))
    .returning({
      id: mailOutbox.id,
      to: mailOutbox.to,
      subject: mailOutbox.subject,
      text: mailOutbox.text,
      html: mailOutbox.html,
      attempts: mailOutbox.attempts,
    });
  return claimed;
}

/** When the next pending message falls due (a retry, or a lease left by a crashed instance). */
export async function nextDueAt(db: Db): Promise<Date | undefined> {
  const [row] = await db.select({ at: min(mailOutbox.nextAttemptAt) }).from(mailOutbox).where(eq(mailOutbox.status, "pending"));
  return row?.at ?? undefined;
}

export async function markSent(db: Db, id: string) {
  await db.update(mailOutbox).set({ status: "sent", sentAt: sql`now()`, lastError: null }).where(eq(mailOutbox.id, id));
}

export async function scheduleRetry(db: Db, id: string, delaySeconds: number, error: string) {
  await db
    .update(mailOutbox)
    .set({ nextAttemptAt: sql`now() + make_interval(secs => ${delaySeconds})`, lastError: error })
    .where(eq(mailOutbox.id, id));
}

export async function markFailed(db: Pick<Db, "update">, id: string, error: string) {
  await db.update(mailOutbox).set({ status: "failed", lastError: error }).where(eq(mailOutbox.id, id));
}

/** Newest first, whatever their state: what keyway sent or is about to send. */
export async function recentMail(db: Db, to: string | undefined, limit: number) {
  return db
    .select({ id: mailOutbox.id, to: mailOutbox.to, subject: mailOutbox.subject, text: mailOutbox.text, status: mailOutbox.status, createdAt: mailOutbox.createdAt, sentAt: mailOutbox.sentAt })
    .from(mailOutbox)
    .where(to ? eq(mailOutbox.to, to) : undefined)
    .orderBy(desc(mailOutbox.createdAt))
    .limit(limit);
}

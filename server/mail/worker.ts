import type { FastifyBaseLogger } from "fastify";
import type { Db } from "../../db/client.js";
import { recordAuditEvent } from "../audit/record.js";
import { claimDueMail, markFailed, markSent, nextDueAt, type QueuedMail, scheduleRetry } from "./outbox.js";

/** Hands one message to its destination; rejects if it was not accepted. Must stop when `signal` aborts. */
export type MailTransport = (mail: QueuedMail, signal: AbortSignal) => Promise<void>;

export interface MailWorkerOptions {
  db: Db;
  transport: MailTransport;
  log: FastifyBaseLogger;
  maxAttempts: number;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  sendTimeoutSeconds: number;
  /** How often an idle worker looks for mail queued by other instances. */
  pollMs?: number;
}

export interface MailWorker {
  /** Something was queued: look now instead of at the next poll. */
  wake(): void;
  /** Stops claiming; resolves once the message in flight, if any, is sent and recorded. */
  stop(): Promise<void>;
}

/** Time a claimed message stays reserved beyond its send's timeout, to record the outcome. */
const LEASE_MARGIN_SECONDS = 60;
const DEFAULT_POLL_MS = 10_000;
const MIN_IDLE_MS = 100;

/** The driver's own message: Drizzle's wrapper quotes the statement's parameters (recipients among them). */
const databaseReason = (error: unknown) => {
  const { cause } = error as { cause?: unknown };
  return cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
};

/** One per instance: claims due messages one at a time, sends them, records the outcome. */
export function startMailWorker(options: MailWorkerOptions): MailWorker {
  const { db, transport, log, maxAttempts, retryBaseSeconds, retryMaxSeconds, sendTimeoutSeconds, pollMs = DEFAULT_POLL_MS } = options;
  const leaseSeconds = sendTimeoutSeconds + LEASE_MARGIN_SECONDS;
  let stopping = false;
  let woken = false;
  let wakeUp: (() => void) | undefined;

  const idle = async () => {
    if (woken || stopping) return;
    const due = await nextDueAt(db).catch(() => undefined);
    // A row due but not claimed is locked by someone else for a moment: look again soon, not at once.
    const wait = due ? Math.min(Math.max(due.getTime() - Date.now(), MIN_IDLE_MS), pollMs) : pollMs;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, wait);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
      if (woken || stopping) wakeUp();
    });
    wakeUp = undefined;
  };

  /** Records an outcome, retrying while the database is away (the lease keeps the row ours meanwhile). */
  const record = async (what: string, write: () => Promise<unknown>) => {
    const giveUpAt = Date.now() + LEASE_MARGIN_SECONDS * 1000;
    for (let delay = 250; ; delay = Math.min(delay * 2, 5_000)) {
      try {
        await write();
        return;
      } catch (error) {
        if (Date.now() + delay > giveUpAt) {
          log.error({ reason: databaseReason(error) }, `mail outcome not recorded (${what}); the message may be sent again`);
          return;
        }
        log.warn({ reason: databaseReason(error), retryInMs: delay }, `mail outcome not recorded yet (${what}); retrying`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  };

  const deliver = async (mail: QueuedMail) => {
    try {
      await transport(mail, AbortSignal.timeout(sendTimeoutSeconds * 1000));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (mail.attempts >= maxAttempts) {
        await record("failed", () =>
          db.transaction(async (tx) => {
            await markFailed(tx, mail.id, reason);
            await recordAuditEvent(tx, {
              action: "mail.delivery_failed",
              targetType: "mail",
              targetId: mail.id,
              detail: { to: mail.to, subject: mail.subject, attempts: mail.attempts, error: reason },
            });
          }),
        );
        log.error({ mailId: mail.id, subject: mail.subject, attempts: mail.attempts, reason }, "mail not delivered: gave up after the last attempt");
        return;
      }
      const retryInSeconds = Math.min(retryBaseSeconds * 2 ** (mail.attempts - 1), retryMaxSeconds);
      await record("retry", () => scheduleRetry(db, mail.id, retryInSeconds, reason));
      log.warn({ mailId: mail.id, subject: mail.subject, attempt: mail.attempts, retryInSeconds, reason }, "mail delivery failed, will retry");
      return;
    }
    await record("sent", () => markSent(db, mail.id));
    log.info({ mailId: mail.id, subject: mail.subject, attempt: mail.attempts }, "mail delivered");
  };

  const run = async () => {
    while (!stopping) {
      woken = false;
      let mail: QueuedMail | undefined;
      try {
        mail = await claimDueMail(db, leaseSeconds);
      } catch (error) {
        log.warn({ reason: databaseReason(error) }, "mail queue unavailable; will look again");
      }
      if (mail) await deliver(mail);
      else await idle();
    }
  };
  const running = run();

  return {
    wake() {
      woken = true;
      wakeUp?.();
    },
    async stop() {
      stopping = true;
      wakeUp?.();
      await running;
    },
  };
}

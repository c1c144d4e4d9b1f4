import { index, integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";

/**
 * Outbound mail, stored in the request that asks for it and delivered by a worker:
 * `pending` until sent (`sent`) or given up after the last attempt (`failed`).
 */
export const mailOutbox = pgTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    to: text("to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    /** When the worker may next try it; a claimed message is pushed past its send's timeout. */
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    lastError: text("last_error"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp("sent_at", { withTimezone: true }),
  },
  (table) => [index("mail_outbox_due_idx").on(table.status, table.nextAttemptAt)],
);

/** Service-token ids (`jti`) already used, kept until the token would have expired. */
export const serviceTokenUse = pgTable(
  "service_token_use",
  {
    id: text("id").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (table) => [index("service_token_use_expires_idx").on(table.expiresAt)],
);

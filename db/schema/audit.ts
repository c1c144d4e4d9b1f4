import { index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";

/**
 * Append-only record of security-relevant actions. No foreign keys: the history of a user
 * outlives the user. A trigger (migration "audit_append_only") refuses UPDATE and DELETE.
 */
export const auditEvent = pgTable(
  "audit_event",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    occurredAt: timestamp("occurred_at", { withTimezone: true }).notNull().defaultNow(),
    actorUserId: text("actor_user_id"),
    impersonatorId: text("impersonator_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    organizationId: text("organization_id"),
    ip: text("ip"),
    userAgent: text("user_agent"),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (table) => [
    index("audit_event_occurred_at_idx").on(table.occurredAt),
    index("audit_event_actor_idx").on(table.actorUserId, table.occurredAt),
    index("audit_event_target_idx").on(table.targetId, table.occurredAt),
    index("audit_event_action_idx").on(table.action, table.occurredAt),
  ],
);

export type AuditEventInsert = typeof auditEvent.$inferInsert;

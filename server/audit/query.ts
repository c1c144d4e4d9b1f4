import { and, desc, eq, gte, lte, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { auditEvent } from "../../db/schema/index.js";
import { afterCursor, cursorTime, pageFields, toPage } from "../pagination/cursor.js";

export const auditFilters = z
  .object({
    actorUserId: z.string().min(1).max(255).optional(),
    action: z.string().min(1).max(100).optional(),
    targetId: z.string().min(1).max(255).optional(),
    organizationId: z.string().min(1).max(255).optional(),
    from: z.date().optional(),
    to: z.date().optional(),
    ...pageFields(200, 50),
  })
  .strict();

export type AuditFilters = z.infer<typeof auditFilters>;

/** Newest first, with a cursor for the next page (null on the last one). */
export async function listAuditEvents(db: Db, filters: AuditFilters, also?: SQL) {
  const rows = await db
    .select({ row: auditEvent, cursorAt: cursorTime(auditEvent.occurredAt) })
    .from(auditEvent)
    .where(
      and(
        also,
        filters.actorUserId ? eq(auditEvent.actorUserId, filters.actorUserId) : undefined,
        filters.action ? eq(auditEvent.action, filters.action) : undefined,
        filters.targetId ? eq(auditEvent.targetId, filters.targetId) : undefined,
        filters.organizationId ? eq(auditEvent.organizationId, filters.organizationId) : undefined,
        filters.from ? gte(auditEvent.occurredAt, filters.from) : undefined,
        filters.to ? lte(auditEvent.occurredAt, filters.to) : undefined,
        afterCursor(auditEvent.occurredAt, auditEvent.id, filters.cursor),
      ),
    )
    .orderBy(desc(auditEvent.occurredAt), desc(auditEvent.id))
    .limit(filters.limit + 1);
  const { page, nextCursor } = toPage(rows, filters.limit);
  return { events: page, nextCursor };
}

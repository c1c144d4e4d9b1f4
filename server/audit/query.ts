import { and, desc, eq, gte, lt, lte, or, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../../db/client.js";
import { auditEvent } from "../../db/schema/index.js";
import { decodeCursor, encodeCursor, pageFields } from "../pagination/cursor.js";

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
  const after = filters.cursor ? decodeCursor(filters.cursor) : undefined;
  const rows = await db
    .select()
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
        after
          ? or(lt(auditEvent.occurredAt, after.at), and(eq(auditEvent.occurredAt, after.at), lt(auditEvent.id, after.id)))
          : undefined,
      ),
    )
    .orderBy(desc(auditEvent.occurredAt), desc(auditEvent.id))
    .limit(filters.limit + 1);
  const page = rows.slice(0, filters.limit);
  const last = page[page.length - 1];
  return { events: page, nextCursor: rows.length > filters.limit && last ? encodeCursor(last.occurredAt, last.id) : null };
}

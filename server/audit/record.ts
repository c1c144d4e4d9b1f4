import type { Db } from "../../db/client.js";
import { type AuditEventInsert, auditEvent } from "../../db/schema/index.js";

/** Appends one event; pass a transaction as `db` to record it with the change it describes. */
export async function recordAuditEvent(db: Pick<Db, "insert">, event: AuditEventInsert): Promise<void> {
  await db.insert(auditEvent).values(event);
}

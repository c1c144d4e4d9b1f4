import { randomUUID } from "node:crypto";
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type AuditEventInsert, project } from "../../db/schema/index.js";
import { recordAuditEvent } from "../audit/record.js";
import { afterCursor, cursorTime, toPage } from "../pagination/cursor.js";

/** Every query here is scoped to one organization: ids from elsewhere simply do not exist. */
export interface Tenant {
  db: Db;
  organizationId: string;
  /** Who acts, for the audit record written with each change. */
  audit: Omit<AuditEventInsert, "action">;
}

const inTenant = (tenant: Tenant, id: string) => and(eq(project.organizationId, tenant.organizationId), eq(project.id, id));

export async function createProject(tenant: Tenant, input: { name: string; description?: string | null }) {
  return tenant.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(project)
      .values({ id: randomUUID(), organizationId: tenant.organizationId, name: input.name, description: input.description ?? null, createdBy: tenant.audit.actorUserId ?? null })
      .returning();
    await recordAuditEvent(tx, { ...tenant.audit, action: "project.create", targetType: "project", targetId: row!.id, organizationId: tenant.organizationId });
    return row!;
  });
}

export async function getProject(tenant: Tenant, id: string) {
  const [row] = await tenant.db.select().from(project).where(inTenant(tenant, id));
  return row;
}

export async function listProjects(tenant: Tenant, page: { limit: number; cursor?: string | null }) {
  const rows = await tenant.db
    .select({ row: project, cursorAt: cursorTime(project.createdAt) })
    .from(project)
    .where(
      and(
        eq(project.organizationId, tenant.organizationId),
        afterCursor(project.createdAt, project.id, page.cursor),
      ),
    )
    .orderBy(desc(project.createdAt), desc(project.id))
    .limit(page.limit + 1);
  const { page: items, nextCursor } = toPage(rows, page.limit);
  return { items, nextCursor };
}

export async function updateProject(tenant: Tenant, id: string, changes: { name?: string; description?: string | null }) {
  return tenant.db.transaction(async (tx) => {
    const [row] = await tx.update(project).set({ ...changes, updatedAt: new Date() }).where(inTenant(tenant, id)).returning();
    if (row) await recordAuditEvent(tx, { ...tenant.audit, action: "project.update", targetType: "project", targetId: id, organizationId: tenant.organizationId, detail: { changed: Object.keys(changes) } });
    return row;
  });
}

export async function deleteProject(tenant: Tenant, id: string) {
  return tenant.db.transaction(async (tx) => {
    const [row] = await tx.delete(project).where(inTenant(tenant, id)).returning({ id: project.id });
    if (row) await recordAuditEvent(tx, { ...tenant.audit, action: "project.delete", targetType: "project", targetId: id, organizationId: tenant.organizationId });
    return row;
  });
}

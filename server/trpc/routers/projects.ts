import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { auditActor } from "../../audit/actor.js";
import { pageFields } from "../../pagination/cursor.js";
import { createProject, deleteProject, getProject, listProjects, type Tenant, updateProject } from "../../projects/projects.js";
import type { Context } from "../context.js";
import { router } from "../init.js";
import { requireOrgPermission } from "../procedures.js";

const id = z.string().min(1).max(255);
const name = z.string().trim().min(1).max(200);
const description = z.string().trim().max(2000).nullable();

function tenant(ctx: Context & { organizationId: string; user: { id: string }; session: { impersonatedBy?: string | null } }): Tenant {
  return {
    db: ctx.db,
    organizationId: ctx.organizationId,
    audit: auditActor(ctx),
  };
}

const found = <T>(row: T | undefined): T => {
  if (!row) throw new TRPCError({ code: "NOT_FOUND", message: "No such project in this organization" });
  return row;
};

export const projectsRouter = router({
  create: requireOrgPermission({ project: ["create"] })
    .input(z.object({ name, description: description.optional() }))
    .mutation(({ ctx, input }) => createProject(tenant(ctx), input)),
  get: requireOrgPermission({ project: ["read"] })
    .input(z.object({ id }))
    .query(async ({ ctx, input }) => found(await getProject(tenant(ctx), input.id))),
  list: requireOrgPermission({ project: ["read"] })
    .input(z.object(pageFields(100, 20)))
    .query(({ ctx, input }) => listProjects(tenant(ctx), input)),
  update: requireOrgPermission({ project: ["update"] })
    .input(z.object({ id, name: name.optional(), description: description.optional() }))
    .mutation(async ({ ctx, input: { id: projectId, organizationId: _, ...changes } }) => found(await updateProject(tenant(ctx), projectId, changes))),
  delete: requireOrgPermission({ project: ["delete"] })
    .input(z.object({ id }))
    .mutation(async ({ ctx, input }) => {
      found(await deleteProject(tenant(ctx), input.id));
      return { deleted: true as const };
    }),
});

import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { member } from "../../db/schema/index.js";
import type { AuthSession } from "../auth/auth.js";
import { type OrgPermission, type OrgRole, orgRoles } from "../auth/organizations.js";
import { isFresh, NOT_FRESH } from "../auth/fresh-session.js";
import { hasRole } from "../auth/roles.js";
import { refusalOf } from "./auth-call.js";
import type { KnownService, ServicePermission } from "../service-auth/registry.js";
import { ServiceAuthError } from "../service-auth/verify.js";
import { baseProcedure } from "./init.js";

export const publicProcedure = baseProcedure;

/** Authentication: who is calling. No session → UNAUTHORIZED. */
export const protectedProcedure = baseProcedure.use(async ({ ctx, next }) => {
  let current: AuthSession | null;
  try {
    current = await ctx.getSession();
  } catch (error) {
    // An invalid, expired or over-used API key is refused with Better Auth's own status.
    throw refusalOf(error) ?? error;
  }
  if (!current) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  return next({ ctx: { user: current.user, session: current.session } });
});

/** Authorization: may they. Not an admin, or an impersonation session → FORBIDDEN. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!hasRole(ctx.user, "admin")) throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  if (ctx.session.impersonatedBy) throw new TRPCError({ code: "FORBIDDEN", message: "Stop impersonating to use admin actions" });
  return next();
});

/** Sensitive reads and changes: the sign-in behind the session must be recent. */
export const freshSessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!isFresh(ctx.session, ctx.config.session.freshAge)) throw new TRPCError({ code: "FORBIDDEN", message: NOT_FRESH.message });
  return next();
});

/**
 * Other backends: only a service token (Authorization: Bearer) counts here, never a user's
 * cookie; and a service token never counts as a user session anywhere else.
 */
export const serviceProcedure = baseProcedure.use(async ({ ctx, next, path }) => {
  let service: KnownService | null;
  try {
    service = await ctx.getService();
  } catch (error) {
    if (!(error instanceof ServiceAuthError)) throw error;
    ctx.log.warn({ reason: error.reason, path }, "service token refused");
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Invalid service token" });
  }
  if (!service) throw new TRPCError({ code: "UNAUTHORIZED", message: "A service token is required" });
  return next({ ctx: { service } });
});

/** Authorization for services: the registry must grant `permission` to the caller. */
export const requireServicePermission = (permission: ServicePermission) =>
  serviceProcedure.use(({ ctx, next }) => {
    if (!ctx.service.permissions.has(permission)) {
      throw new TRPCError({ code: "FORBIDDEN", message: `Service ${ctx.service.name} may not ${permission}` });
    }
    return next();
  });

/**
 * Authentication plus tenancy: the organization is `organizationId` from the input, else the
 * session's active one; the caller must be a member of it (FORBIDDEN otherwise).
 */
export const orgProcedure = protectedProcedure
  .input(z.object({ organizationId: z.string().min(1).max(255).optional() }))
  .use(async ({ ctx, input, next }) => {
    const organizationId = input.organizationId ?? (ctx.session as { activeOrganizationId?: string | null }).activeOrganizationId;
    if (!organizationId) throw new TRPCError({ code: "BAD_REQUEST", message: "Choose an organization first" });
    const [membership] = await ctx.db
      .select({ role: member.role })
      .from(member)
      .where(and(eq(member.organizationId, organizationId), eq(member.userId, ctx.user.id)));
    if (!membership) throw new TRPCError({ code: "FORBIDDEN", message: "Not a member of this organization" });
    return next({ ctx: { organizationId, orgRole: membership.role } });
  });

/** Authorization inside an organization: the member's role must grant `permission`. */
export const requireOrgPermission = (permission: OrgPermission) =>
  orgProcedure.use(({ ctx, next }) => {
    const allowed = ctx.orgRole
      .split(",")
      .some((role) => orgRoles[role.trim() as OrgRole]?.authorize(permission).success === true);
    if (!allowed) throw new TRPCError({ code: "FORBIDDEN", message: "Your role in this organization does not allow this" });
    return next();
  });

import { TRPCError } from "@trpc/server";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { member } from "../../db/schema/index.js";
import type { Decision } from "../auth/access.js";
import { chargeApiKeyCall } from "../auth/api-key-calls.js";
import { type OrgPermission, type OrgRole, orgRoles } from "../auth/organizations.js";
import { FRESH_SESSION_ERROR_CODES } from "../auth/plugins/fresh-session.js";
import { refusal as refuse, refusalOf } from "./auth-call.js";
import type { KnownService, ServicePermission } from "../service-auth/registry.js";
import { ServiceAuthError } from "../service-auth/verify.js";
import { baseProcedure } from "./init.js";
import { spendWrite } from "./write-budget.js";

export const publicProcedure = baseProcedure;

/** Authentication: who is calling, as the access decision says. No standing → UNAUTHORIZED. */
export const protectedProcedure = baseProcedure.use(async ({ ctx, next }) => {
  let decision: Decision;
  try {
    decision = await ctx.getAccess();
  } catch (error) {
    // An invalid, expired or over-used API key is refused with Better Auth's own status.
    throw refusalOf(error) ?? error;
  }
  const { access, refusal } = decision;
  if (refusal) throw refuse(refusal.status, refusal.code, refusal.message);
  if (!access) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in to continue" });
  // Better Auth counted the key once for this request; each further call of a batch counts too.
  if (access.credential === "api-key" && ctx.nextCall() > 1 && !(await chargeApiKeyCall(ctx.db, access.session.id))) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "This API key has made too many calls. Try again later." });
  }
  return next({ ctx: { user: access.user, session: access.session, access } });
});

/** Self-service changes (profile, settings, keys, sessions): a bounded number per account and minute. */
export const selfServiceProcedure = protectedProcedure.use(async ({ ctx, next }) => {
  if (!(await spendWrite(ctx.db, ctx.user.id, ctx.config.selfServiceWritesPerMinute))) {
    throw new TRPCError({ code: "TOO_MANY_REQUESTS", message: "Too many changes in a minute. Try again shortly." });
  }
  return next();
});

/** Authorization: may they. Admin power needs the admin's own interactive session → FORBIDDEN otherwise. */
export const adminProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.access.credential === "impersonation") throw new TRPCError({ code: "FORBIDDEN", message: "Stop impersonating to use admin actions" });
  if (!ctx.access.admin) throw new TRPCError({ code: "FORBIDDEN", message: "Admins only" });
  return next();
});

/** Sensitive reads and changes: an interactive sign-in of the account's owner, made recently. */
export const freshSessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (!ctx.access.fresh) throw refuse(403, FRESH_SESSION_ERROR_CODES.SESSION_NOT_FRESH.code, FRESH_SESSION_ERROR_CODES.SESSION_NOT_FRESH.message);
  return next();
});

/**
 * Other backends: only a service token (Authorization: Bearer) counts here, never a user's
 * cookie; and a service token never counts as a user session anywhere else.
 */
const serviceProcedure = baseProcedure.use(async ({ ctx, next, path }) => {
  let service: KnownService | null;
  try {
    service = await ctx.getService();
  } catch (error) {
    if (!(error instanceof ServiceAuthError)) throw error;
    ctx.log.warn({ reason: error.reason, path }, "service token refused");
    throw new TRPCError({ code: "UNAUTHORIZED", message: "Invalid service token" });
  }
  if (!service) {
    ctx.log.info({ path }, "service token missing");
    throw new TRPCError({ code: "UNAUTHORIZED", message: "A service token is required" });
  }
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
const orgProcedure = protectedProcedure
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

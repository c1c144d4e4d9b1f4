import { APIError, createAuthMiddleware, getSessionFromCtx } from "better-auth/api";
import { createAccessControl } from "better-auth/plugins/access";
import { organization } from "better-auth/plugins";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import type { Config } from "../config.js";
import type { Mailer } from "../mail/mailer.js";
import { templates } from "../mail/templates.js";

/** Better Auth's organization statements plus keyway's tenant-scoped resources. */
const statements = { ...defaultStatements, project: ["create", "read", "update", "delete"] } as const;
const orgAccess = createAccessControl(statements);

/** Members read projects, admins also create and update them, owners also delete them. */
export const orgRoles = {
  owner: orgAccess.newRole({ ...ownerAc.statements, project: ["create", "read", "update", "delete"] }),
  admin: orgAccess.newRole({ ...adminAc.statements, project: ["create", "read", "update"] }),
  member: orgAccess.newRole({ ...memberAc.statements, project: ["read"] }),
};

export type OrgRole = keyof typeof orgRoles;
export type OrgPermission = { [K in keyof typeof statements]?: (typeof statements)[K][number][] };

/** A slug as the server compares slugs: NFKC, trimmed, lower-case. */
const normalizeSlug = (slug: string) => slug.normalize("NFKC").trim().toLowerCase();
/** ASCII letters and digits in words joined by single hyphens; anything else (confusables too) is refused. */
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SLUG_LENGTH = { min: 2, max: 63 };

const INVALID_SLUG = {
  code: "INVALID_SLUG",
  message: `The slug may hold only lower-case letters a-z, digits and single hyphens between them, ${SLUG_LENGTH.min} to ${SLUG_LENGTH.max} characters`,
  field: "slug",
} as const;
const SLUG_IS_TAKEN = { code: "SLUG_IS_TAKEN", message: "This slug is taken", field: "slug" } as const;

/** Where each endpoint that takes a slug keeps it in its body. */
const SLUG_IN_BODY: Record<string, (body: Record<string, unknown>) => { holder: Record<string, unknown> } | undefined> = {
  "/organization/create": (body) => ({ holder: body }),
  "/organization/check-slug": (body) => ({ holder: body }),
  "/organization/update": (body) =>
    typeof body.data === "object" && body.data !== null ? { holder: body.data as Record<string, unknown> } : undefined,
};

/**
 * Slugs are refused unless they are already in the form the server compares, after normalising
 * (so `ACME-x`, ` acme-x` and `acme-x ` are all `acme-x`), and one taken by another organization
 * is refused before Better Auth's own check, which compares them as given.
 */
const slugHooks = [
  {
    matcher: (context: { path?: string }) => Object.hasOwn(SLUG_IN_BODY, context.path ?? ""),
    handler: createAuthMiddleware(async (ctx) => {
      const body = typeof ctx.body === "object" && ctx.body !== null ? (ctx.body as Record<string, unknown>) : undefined;
      const found = body && SLUG_IN_BODY[ctx.path]!(body);
      // Anything not a string is Better Auth's validation to refuse.
      if (!found || typeof found.holder.slug !== "string") return;
      const slug = normalizeSlug(found.holder.slug);
      if (slug.length < SLUG_LENGTH.min || slug.length > SLUG_LENGTH.max || !SLUG.test(slug)) throw new APIError("BAD_REQUEST", INVALID_SLUG);
      const taken = await ctx.context.adapter.findOne<{ id: string }>({ model: "organization", where: [{ field: "slug", value: slug }] });
      if (taken) {
        const ownId =
          ctx.path === "/organization/update"
            ? ((body.organizationId as string | undefined) ?? (await getSessionFromCtx(ctx))?.session.activeOrganizationId)
            : undefined;
        if (taken.id !== ownId) throw new APIError("BAD_REQUEST", SLUG_IS_TAKEN);
      }
      found.holder.slug = slug;
      return { context: { body } };
    }),
  },
];

export function organizationPlugin(config: Config, mailer: Mailer) {
  const plugin = organization({
    ac: orgAccess,
    roles: orgRoles,
    creatorRole: "owner",
    teams: { enabled: true },
    invitationExpiresIn: 7 * 24 * 60 * 60,
    sendInvitationEmail: async ({ id, email, organization: org, inviter }) =>
      mailer.send({ to: email, ...templates.invitation(org.name, inviter.user.name, `${config.appUrl}/invitations/${id}`) }),
  });
  // The organization plugin has no hooks of its own.
  return { ...plugin, hooks: { before: slugHooks } };
}

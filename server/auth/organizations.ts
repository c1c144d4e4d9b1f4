import { createAccessControl } from "better-auth/plugins/access";
import { organization } from "better-auth/plugins";
import { adminAc, defaultStatements, memberAc, ownerAc } from "better-auth/plugins/organization/access";
import type { Config } from "../config.js";
import type { Mailer } from "../mail/mailer.js";
import { templates } from "../mail/templates.js";

/** Better Auth's organization statements plus keyway's tenant-scoped resources. */
export const statements = { ...defaultStatements, project: ["create", "read", "update", "delete"] } as const;
export const orgAccess = createAccessControl(statements);

/** Members read projects, admins also create and update them, owners also delete them. */
export const orgRoles = {
  owner: orgAccess.newRole({ ...ownerAc.statements, project: ["create", "read", "update", "delete"] }),
  admin: orgAccess.newRole({ ...adminAc.statements, project: ["create", "read", "update"] }),
  member: orgAccess.newRole({ ...memberAc.statements, project: ["read"] }),
};

export type OrgRole = keyof typeof orgRoles;
export type OrgPermission = { [K in keyof typeof statements]?: (typeof statements)[K][number][] };

export function organizationPlugin(config: Config, mailer: Mailer) {
  return organization({
    ac: orgAccess,
    roles: orgRoles,
    creatorRole: "owner",
    teams: { enabled: true },
    invitationExpiresIn: 7 * 24 * 60 * 60,
    sendInvitationEmail: async ({ id, email, organization: org, inviter }) =>
      mailer.send({ to: email, ...templates.invitation(org.name, inviter.user.name, `${config.appUrl}/invitations/${id}`) }),
  });
}

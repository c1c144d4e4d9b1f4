import type { OrganizationRole } from "@keyway/sdk";
import { useKeyway, useSession } from "@keyway/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { unwrap } from "../errors";

export const ORGANIZATION_KEY = ["organization"] as const;

/** The active organization with its members and invitations, and the signed-in user's role in it. */
export function useActiveOrganization() {
  const client = useKeyway();
  const session = useSession();
  const userId = session.status === "signed-in" ? session.user.id : null;
  const query = useQuery({
    queryKey: [...ORGANIZATION_KEY, "active", userId],
    queryFn: () => unwrap(client.auth.organization.getFullOrganization()),
    enabled: userId !== null,
  });
  const organization = query.data ?? null;
  const role = (organization?.members.find((member) => member.userId === userId)?.role ?? null) as OrganizationRole | null;
  return { ...query, organization, role };
}

/** What each organization role may do with projects (the server decides; this only hides buttons). */
export const projectRights = (role: OrganizationRole | null) => ({
  create: role === "owner" || role === "admin",
  update: role === "owner" || role === "admin",
  delete: role === "owner",
});

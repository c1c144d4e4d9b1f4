import { useSession, useTRPC } from "@keyway/sdk/react";
import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { ErrorMessage } from "../components/ErrorMessage";
import { useActiveOrganization } from "../components/useOrganization";

export function DashboardPage() {
  const session = useSession();
  const trpc = useTRPC();
  const me = useQuery(trpc.me.get.queryOptions());
  const { organization, role } = useActiveOrganization();
  if (session.status !== "signed-in") return null;

  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Welcome, {session.user.name}</h1>
      <ErrorMessage error={me.error} />
      <dl>
        <dt>Email</dt>
        <dd>
          {session.user.email} {session.user.emailVerified ? "(verified)" : "(not verified yet)"}
        </dd>
        <dt>Role</dt>
        <dd>{session.user.role}</dd>
        <dt>Member since</dt>
        <dd>{me.data ? me.data.createdAt.toLocaleDateString() : "…"}</dd>
        <dt>Session expires</dt>
        <dd>{session.session.expiresAt.toLocaleString()}</dd>
        <dt>Active organization</dt>
        <dd>{organization ? `${organization.name} (${role})` : <Link to="/organizations">Choose or create one</Link>}</dd>
      </dl>
    </section>
  );
}

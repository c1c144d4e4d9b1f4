import { useKeyway } from "@keyway/sdk/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { ORGANIZATION_KEY, useActiveOrganization } from "../components/useOrganization";
import { errorsByField, unwrap } from "../errors";

/** The user's organizations: switch the active one, or create one. */
export function OrganizationsPage() {
  const client = useKeyway();
  const queryClient = useQueryClient();
  const active = useActiveOrganization();
  const organizations = useQuery({ queryKey: [...ORGANIZATION_KEY, "list"], queryFn: () => unwrap(client.auth.organization.list()) });
  // Everything tenant-scoped (projects, members) follows the active organization: ask again.
  const refreshAll = () => queryClient.invalidateQueries();
  const switchTo = useMutation({
    mutationFn: (organizationId: string) => unwrap(client.auth.organization.setActive({ organizationId })),
    onSuccess: refreshAll,
  });
  const create = useMutation({
    mutationFn: (input: { name: string; slug: string }) => unwrap(client.auth.organization.create(input)),
    onSuccess: refreshAll,
  });
  const fields = errorsByField(create.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    create.mutate({ name: String(form.get("name")), slug: String(form.get("slug")) });
  };

  return (
    <section aria-labelledby="orgs-title">
      <h1 id="orgs-title">Organizations</h1>
      <ErrorMessage error={organizations.error ?? switchTo.error} />
      {active.organization && (
        <Notice>
          Active organization: <strong>{active.organization.name}</strong> (you are {active.role})
        </Notice>
      )}
      {organizations.data && organizations.data.length === 0 && <p>You are not in any organization yet.</p>}
      {organizations.data && organizations.data.length > 0 && (
        <ul className="cards" aria-label="Your organizations">
          {organizations.data.map((organization) => {
            const isActive = organization.id === active.organization?.id;
            return (
              <li key={organization.id}>
                <span>
                  {organization.name} <small>/{organization.slug}</small>
                </span>
                {isActive ? (
                  <strong>Active</strong>
                ) : (
                  <button type="button" onClick={() => switchTo.mutate(organization.id)} disabled={switchTo.isPending}>
                    Switch to {organization.name}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {active.organization && (
        <p>
          <Link to="/organizations/members">Members and invitations</Link> · <Link to="/projects">Projects</Link>
        </p>
      )}

      <h2>New organization</h2>
      <form onSubmit={submit} noValidate aria-label="Create an organization">
        <Field label="Organization name" name="name" required errors={fields.name} />
        <Field label="Slug" name="slug" required pattern="[a-z0-9-]+" errors={fields.slug} aria-description="Lower-case letters, digits and dashes." />
        <button type="submit" disabled={create.isPending}>
          Create organization
        </button>
      </form>
      {create.isSuccess && <Notice>Organization created; it is now your active organization.</Notice>}
      <ErrorMessage error={create.error} fields={["name", "slug"]} />
    </section>
  );
}

import { useTRPC } from "@keyway/sdk/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Link } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { projectRights, useActiveOrganization } from "../components/useOrganization";
import { errorsByField } from "../errors";

/** The active organization's projects: members read, admins create and edit, owners delete. */
export function ProjectsPage() {
  const trpc = useTRPC();
  const { organization, role, isPending } = useActiveOrganization();
  const rights = projectRights(role);
  const [editing, setEditing] = useState<string | null>(null);
  const projects = useQuery({
    ...trpc.projects.list.queryOptions({ organizationId: organization?.id, limit: 50 }),
    enabled: Boolean(organization),
  });
  const refresh = () => projects.refetch();
  const create = useMutation(trpc.projects.create.mutationOptions({ onSuccess: refresh }));
  const update = useMutation(
    trpc.projects.update.mutationOptions({
      onSuccess: () => {
        setEditing(null);
        return refresh();
      },
    }),
  );
  const remove = useMutation(trpc.projects.delete.mutationOptions({ onSuccess: refresh }));

  if (isPending) return <p role="status">Loading the organization…</p>;
  if (!organization) {
    return (
      <section>
        <h1>Projects</h1>
        <p>
          No active organization. <Link to="/organizations">Choose or create one</Link>.
        </p>
      </section>
    );
  }

  const submitNew = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const description = String(form.get("description")).trim();
    create.mutate(
      { organizationId: organization.id, name: String(form.get("name")), description: description || null },
      { onSuccess: () => formElement.reset() },
    );
  };
  const submitEdit = (event: FormEvent<HTMLFormElement>, id: string) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const description = String(form.get("description")).trim();
    update.mutate({ organizationId: organization.id, id, name: String(form.get("name")), description: description || null });
  };
  const createErrors = errorsByField(create.error);
  const updateErrors = errorsByField(update.error);
  const items = projects.data?.items ?? [];

  return (
    <section aria-labelledby="projects-title">
      <h1 id="projects-title">Projects of {organization.name}</h1>
      <p>You are {role} here.</p>
      <ErrorMessage error={projects.error ?? remove.error} />
      {projects.isSuccess && items.length === 0 && <p>No projects yet.</p>}
      {items.length > 0 && (
        <ul className="cards" aria-label="Projects">
          {items.map((project) =>
            editing === project.id ? (
              <li key={project.id}>
                <form onSubmit={(event) => submitEdit(event, project.id)} noValidate aria-label={`Edit ${project.name}`}>
                  <Field label="Project name" name="name" defaultValue={project.name} errors={updateErrors.name} />
                  <Field label="Description" name="description" defaultValue={project.description ?? ""} errors={updateErrors.description} />
                  <button type="submit" disabled={update.isPending}>
                    Save
                  </button>
                  <button type="button" onClick={() => setEditing(null)}>
                    Cancel
                  </button>
                  <ErrorMessage error={update.error} fields={["name", "description"]} />
                </form>
              </li>
            ) : (
              <li key={project.id}>
                <span>
                  <strong>{project.name}</strong>
                  {project.description && <> — {project.description}</>}
                </span>
                <span className="actions">
                  {rights.update && (
                    <button type="button" onClick={() => setEditing(project.id)} aria-label={`Edit ${project.name}`}>
                      Edit
                    </button>
                  )}
                  {rights.delete && (
                    <button
                      type="button"
                      className="danger"
                      onClick={() => remove.mutate({ organizationId: organization.id, id: project.id })}
                      aria-label={`Delete ${project.name}`}
                    >
                      Delete
                    </button>
                  )}
                </span>
              </li>
            ),
          )}
        </ul>
      )}
      {remove.isSuccess && <Notice>Project deleted.</Notice>}
      {rights.create && (
        <>
          <h2>New project</h2>
          <form onSubmit={submitNew} noValidate aria-label="Create a project">
            <Field label="Project name" name="name" required errors={createErrors.name} />
            <Field label="Description" name="description" errors={createErrors.description} />
            <button type="submit" disabled={create.isPending}>
              Create project
            </button>
          </form>
          <ErrorMessage error={create.error} fields={["name", "description"]} />
        </>
      )}
    </section>
  );
}

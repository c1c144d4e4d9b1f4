import { useTRPC } from "@keyway/sdk/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { ErrorMessage } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { errorsByField } from "../errors";

/** Keys for scripts and CLIs: shown once at creation, then only their start. */
export function ApiKeysPage() {
  const trpc = useTRPC();
  const keys = useQuery(trpc.apiKeys.list.queryOptions());
  const refresh = () => keys.refetch();
  const create = useMutation(trpc.apiKeys.create.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.apiKeys.delete.mutationOptions({ onSuccess: refresh }));
  const fields = errorsByField(create.error);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const days = String(form.get("expiresInDays")).trim();
    create.mutate({ name: String(form.get("name")), expiresInDays: days ? Number(days) : undefined });
  };

  return (
    <section aria-labelledby="keys-title">
      <h1 id="keys-title">API keys</h1>
      <form onSubmit={submit} noValidate aria-label="Create an API key">
        <Field label="Key name" name="name" required errors={fields.name} />
        <Field label="Expires in (days)" name="expiresInDays" inputMode="numeric" placeholder="never" errors={fields.expiresInDays} />
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ErrorMessage error={create.error} fields={["name", "expiresInDays"]} />
      {create.data && (
        <div role="status" className="notice">
          <p>Copy your new key now: it is not shown again.</p>
          <output aria-label="New API key" className="secret">
            {create.data.key}
          </output>
        </div>
      )}
      <ErrorMessage error={keys.error ?? remove.error} />
      {keys.data && keys.data.length === 0 && <p>No API keys yet.</p>}
      {keys.data && keys.data.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Starts with</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.data.map((key) => (
              <tr key={key.id}>
                <td>{key.name}</td>
                <td>
                  <code>{key.start}…</code>
                </td>
                <td>{key.createdAt.toLocaleDateString()}</td>
                <td>{key.expiresAt ? key.expiresAt.toLocaleDateString() : "never"}</td>
                <td>{key.lastRequest ? key.lastRequest.toLocaleString() : "never"}</td>
                <td>
                  <button type="button" onClick={() => remove.mutate({ id: key.id })} aria-label={`Delete key ${key.name ?? key.start}`}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import { useKeyway, useTRPC } from "@keyway/sdk/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";

/** Where the account is signed in, with revoke and sign out everywhere. */
export function SessionsPage() {
  const trpc = useTRPC();
  const client = useKeyway();
  const navigate = useNavigate();
  const sessions = useQuery(trpc.sessions.list.queryOptions());
  const refresh = () => sessions.refetch();
  const revoke = useMutation(trpc.sessions.revoke.mutationOptions({ onSuccess: refresh }));
  const revokeOthers = useMutation(trpc.sessions.revokeOthers.mutationOptions({ onSuccess: refresh }));
  const everywhere = useMutation({
    mutationFn: async () => {
      await client.api.sessions.revokeOthers.mutate();
      await client.signOut();
    },
    onSuccess: () => navigate("/login", { replace: true }),
  });

  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Active sessions</h1>
      <ErrorMessage error={sessions.error ?? revoke.error ?? revokeOthers.error ?? everywhere.error} />
      {sessions.isPending && <p role="status">Loading sessions…</p>}
      {sessions.data && (
        <table>
          <caption>{sessions.data.length === 1 ? "1 session" : `${sessions.data.length} sessions`}</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">IP address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last active</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.data.map((entry) => (
              <tr key={entry.id}>
                <td>
                  {entry.userAgent ?? "Unknown device"} {entry.current && <strong>(this device)</strong>}
                </td>
                <td>{entry.ipAddress ?? "—"}</td>
                <td>{entry.createdAt.toLocaleString()}</td>
                <td>{entry.updatedAt.toLocaleString()}</td>
                <td>
                  {!entry.current && (
                    <button
                      type="button"
                      onClick={() => revoke.mutate({ id: entry.id })}
                      disabled={revoke.isPending}
                      aria-label={`Revoke the session signed in ${entry.createdAt.toLocaleString()}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoke.isSuccess && <Notice>Session revoked.</Notice>}
      {revokeOthers.isSuccess && <Notice>Every other session is signed out.</Notice>}
      <div className="actions">
        <button type="button" onClick={() => revokeOthers.mutate()} disabled={revokeOthers.isPending}>
          Sign out other sessions
        </button>
        <button type="button" onClick={() => everywhere.mutate()} disabled={everywhere.isPending}>
          Sign out everywhere
        </button>
      </div>
    </section>
  );
}

import { useKeyway, useSession, useTRPC } from "@keyway/sdk/react";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useNavigate } from "react-router";
import { ErrorMessage } from "../components/ErrorMessage";

/** Users of the service: search, ban and unban, role, impersonate. Admins only. */
export function AdminPage() {
  const trpc = useTRPC();
  const client = useKeyway();
  const session = useSession();
  const navigate = useNavigate();
  const [search, setSearch] = useState("");
  const users = useQuery(trpc.admin.users.list.queryOptions({ search: search.trim() || undefined, limit: 50, sortBy: "createdAt", sortDirection: "desc" }));
  const refresh = () => users.refetch();
  const ban = useMutation(trpc.admin.users.ban.mutationOptions({ onSuccess: refresh }));
  const unban = useMutation(trpc.admin.users.unban.mutationOptions({ onSuccess: refresh }));
  const setRole = useMutation(trpc.admin.users.setRole.mutationOptions({ onSuccess: refresh }));
  const impersonate = useMutation({
    mutationFn: async (userId: string) => {
      await client.api.admin.users.impersonate.mutate({ userId });
      await client.getSession(); // the session is now the user's: tell every listener (cached queries are dropped)
    },
    onSuccess: () => navigate("/"),
  });
  const me = session.status === "signed-in" ? session.user.id : null;

  return (
    <section aria-labelledby="admin-title">
      <h1 id="admin-title">Admin: users</h1>
      <div className="field">
        <label htmlFor="user-search">Search users</label>
        <input id="user-search" type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="email contains…" />
      </div>
      <ErrorMessage error={users.error ?? ban.error ?? unban.error ?? setRole.error ?? impersonate.error} />
      {users.data && (
        <table>
          <caption>{users.data.total === 1 ? "1 user" : `${users.data.total} users`}</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {users.data.users.map((user) => (
              <tr key={user.id}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <select
                    aria-label={`Role of ${user.email}`}
                    value={user.role}
                    // One change at a time: the select shows the saved role, and a second pick before the first is saved would be lost.
                    disabled={user.id === me || setRole.isPending}
                    onChange={(event) => setRole.mutate({ userId: user.id, role: event.target.value as "user" | "admin" })}
                  >
                    <option value="user">user</option>
                    <option value="admin">admin</option>
                  </select>
                </td>
                <td>{user.banned ? `Banned${user.banReason ? `: ${user.banReason}` : ""}` : "Active"}</td>
                <td className="actions">
                  {user.id !== me &&
                    (user.banned ? (
                      <button type="button" onClick={() => unban.mutate({ userId: user.id })} aria-label={`Unban ${user.email}`}>
                        Unban
                      </button>
                    ) : (
                      <button
                        type="button"
                        onClick={() => ban.mutate({ userId: user.id, reason: "Banned from the admin page" })}
                        aria-label={`Ban ${user.email}`}
                      >
                        Ban
                      </button>
                    ))}
                  {user.id !== me && !user.banned && (
                    <button
                      type="button"
                      onClick={() => impersonate.mutate(user.id)}
                      disabled={impersonate.isPending}
                      aria-label={`Impersonate ${user.email}`}
                    >
                      Impersonate
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

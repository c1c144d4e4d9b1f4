import { useTRPC } from "@keyway/sdk/react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { ErrorMessage } from "../components/ErrorMessage";

const ACTIONS: Record<string, string> = {
  "user.sign_up": "Account created",
  "session.sign_in": "Signed in",
  "session.sign_in_failed": "Failed sign-in",
  "session.sign_in_second_factor": "Second factor verified",
  "session.sign_out": "Signed out",
  "session.revoke": "Session revoked",
  "session.revoke_others": "Other sessions signed out",
  "session.revoke_all": "All sessions signed out",
  "user.password_change": "Password changed",
  "user.password_reset": "Password reset",
  "two_factor.enable": "Two-factor authentication turned on",
  "two_factor.disable": "Two-factor authentication turned off",
  "passkey.add": "Passkey added",
  "passkey.rename": "Passkey renamed",
  "passkey.remove": "Passkey removed",
};

/** The account's security history, newest first. */
export function SecurityEventsPage() {
  const trpc = useTRPC();
  const events = useInfiniteQuery(
    trpc.me.securityEvents.infiniteQueryOptions({ limit: 20 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }),
  );
  const rows = events.data?.pages.flatMap((page) => page.events) ?? [];

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Security events</h1>
      <ErrorMessage error={events.error} />
      {events.isPending && <p role="status">Loading events…</p>}
      {events.isSuccess && rows.length === 0 && <p>No events yet.</p>}
      {rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">IP address</th>
              <th scope="col">Device</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((event) => (
              <tr key={event.id}>
                <td>{event.occurredAt.toLocaleString()}</td>
                <td>
                  {ACTIONS[event.action] ?? event.action}
                  {event.byAdmin && " (by an administrator)"}
                </td>
                <td>{event.ip ?? "—"}</td>
                <td>{event.userAgent ?? "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {events.hasNextPage && (
        <button type="button" onClick={() => void events.fetchNextPage()} disabled={events.isFetchingNextPage}>
          Older events
        </button>
      )}
    </section>
  );
}

import { useKeyway, useSession } from "@keyway/sdk/react";
import { type ReactNode, useEffect, useRef } from "react";
import { Navigate, useLocation } from "react-router";
import { messageOf } from "../errors";

/**
 * The route guard: while the server is asked it says so, a signed-out visitor goes to
 * /login?returnTo=… and comes back after signing in. Every navigation asks the server again,
 * so a sign-out in another tab (the cookie is shared) is seen on the next one.
 */
export function RequireAuth({ children }: { children: ReactNode }) {
  const session = useSession();
  const client = useKeyway();
  const location = useLocation();
  const first = useRef(true);

  useEffect(() => {
    if (first.current) {
      first.current = false; // useSession has just asked
      return;
    }
    client.getSession().catch(() => undefined);
  }, [client, location.pathname]);

  if (session.status === "pending") {
    return (
      <p role="status" className="notice">
        Checking your session…
      </p>
    );
  }
  if (session.status === "signed-out") {
    if (session.error) {
      return (
        <div role="alert" className="error">
          <p>{messageOf(session.error)}</p>
          <button type="button" onClick={() => void session.refetch()}>
            Try again
          </button>
        </div>
      );
    }
    const returnTo = `${location.pathname}${location.search}`;
    return <Navigate to={`/login?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }
  return <>{children}</>;
}

/** Only admins (and never an impersonation session) see what is inside. */
export function RequireAdmin({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.status !== "signed-in") return null;
  if (session.user.role !== "admin" || session.session.impersonatedBy) {
    return (
      <section aria-labelledby="forbidden-title">
        <h1 id="forbidden-title">Not allowed</h1>
        <p>This page is for administrators.</p>
      </section>
    );
  }
  return <>{children}</>;
}

/** Where to go after signing in: a path inside this app, never another site. */
export function safeReturnTo(value: string | null): string {
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/";
}

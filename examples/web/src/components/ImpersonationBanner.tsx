import { useKeyway, useSession } from "@keyway/sdk/react";
import { useNavigate } from "react-router";
import { useAction } from "../useAction";
import { ErrorMessage } from "./ErrorMessage";

/** Always visible while an admin acts as someone else, with the way back. */
export function ImpersonationBanner() {
  const session = useSession();
  const client = useKeyway();
  const navigate = useNavigate();
  const action = useAction();
  if (session.status !== "signed-in" || !session.session.impersonatedBy) return null;

  const stop = () =>
    action.mutate(async () => {
      await client.api.session.stopImpersonating.mutate();
      await client.getSession(); // the admin's own session is back: tell every listener
      void navigate("/admin");
    });

  return (
    <div className="impersonation" role="region" aria-label="Impersonation">
      <p>
        You are impersonating <strong>{session.user.name}</strong> ({session.user.email}). Everything you do is recorded as done by an
        admin on their behalf.
      </p>
      <button type="button" onClick={stop} disabled={action.isPending}>
        Stop impersonating
      </button>
      <ErrorMessage error={action.error} />
    </div>
  );
}

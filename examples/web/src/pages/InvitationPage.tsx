import { useKeyway } from "@keyway/sdk/react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate, useParams } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { unwrap } from "../errors";

/** Where the invitation email's link lands (signed-in users only: the guard sends others to sign in first). */
export function InvitationPage() {
  const { invitationId = "" } = useParams();
  const client = useKeyway();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: async () => {
      const accepted = await unwrap(client.auth.organization.acceptInvitation({ invitationId }));
      if (accepted) await unwrap(client.auth.organization.setActive({ organizationId: accepted.member.organizationId }));
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries();
      void navigate("/projects");
    },
  });
  const reject = useMutation({ mutationFn: () => unwrap(client.auth.organization.rejectInvitation({ invitationId })) });

  return (
    <section aria-labelledby="invitation-title">
      <h1 id="invitation-title">Invitation</h1>
      <p>You have been invited to join an organization on keyway.</p>
      <div className="actions">
        <button type="button" onClick={() => accept.mutate()} disabled={accept.isPending || reject.isSuccess}>
          Accept invitation
        </button>
        <button type="button" onClick={() => reject.mutate()} disabled={reject.isPending || reject.isSuccess}>
          Decline
        </button>
      </div>
      {reject.isSuccess && <Notice>Invitation declined.</Notice>}
      <ErrorMessage error={accept.error ?? reject.error} />
    </section>
  );
}

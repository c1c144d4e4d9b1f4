import type { OrganizationRole } from "@keyway/sdk";
import { useKeyway } from "@keyway/sdk/react";
import { useMutation } from "@tanstack/react-query";
import type { FormEvent } from "react";
import { Link } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { useActiveOrganization } from "../components/useOrganization";
import { errorsByField, unwrap } from "../errors";

const ROLES: OrganizationRole[] = ["member", "admin", "owner"];

/** Members of the active organization and its pending invitations; owners and admins manage them. */
export function MembersPage() {
  const client = useKeyway();
  const active = useActiveOrganization();
  const refresh = () => active.refetch();
  const { organization, role } = active;
  const canManage = role === "owner" || role === "admin";
  const orgs = client.auth.organization;

  const invite = useMutation({
    mutationFn: (input: { email: string; role: OrganizationRole }) => unwrap(orgs.inviteMember(input)),
    onSuccess: refresh,
  });
  const changeRole = useMutation({
    mutationFn: (input: { memberId: string; role: OrganizationRole }) => unwrap(orgs.updateMemberRole(input)),
    onSuccess: refresh,
  });
  const remove = useMutation({
    mutationFn: (memberIdOrEmail: string) => unwrap(orgs.removeMember({ memberIdOrEmail })),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: (invitationId: string) => unwrap(orgs.cancelInvitation({ invitationId })),
    onSuccess: refresh,
  });

  if (active.isPending) return <p role="status">Loading the organization…</p>;
  if (!organization) {
    return (
      <section>
        <h1>Members</h1>
        <p>
          No active organization. <Link to="/organizations">Choose or create one</Link>.
        </p>
      </section>
    );
  }

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    invite.mutate({ email: String(form.get("email")), role: String(form.get("role")) as OrganizationRole });
  };
  const pending = organization.invitations.filter((invitation) => invitation.status === "pending");
  const fields = errorsByField(invite.error);

  return (
    <section aria-labelledby="members-title">
      <h1 id="members-title">Members of {organization.name}</h1>
      <ErrorMessage error={active.error ?? changeRole.error ?? remove.error ?? cancel.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {organization.members.map((member) => (
            <tr key={member.id}>
              <td>{member.user.name}</td>
              <td>{member.user.email}</td>
              <td>
                {canManage ? (
                  <select
                    aria-label={`Role of ${member.user.email}`}
                    value={member.role}
                    onChange={(event) => changeRole.mutate({ memberId: member.id, role: event.target.value as OrganizationRole })}
                  >
                    {ROLES.map((option) => (
                      <option key={option} value={option}>
                        {option}
                      </option>
                    ))}
                  </select>
                ) : (
                  member.role
                )}
              </td>
              <td>
                {canManage && (
                  <button type="button" onClick={() => remove.mutate(member.id)} aria-label={`Remove ${member.user.email}`}>
                    Remove
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>Invitations</h2>
      {pending.length === 0 ? (
        <p>No pending invitations.</p>
      ) : (
        <ul aria-label="Pending invitations">
          {pending.map((invitation) => (
            <li key={invitation.id}>
              {invitation.email} as {invitation.role}, until {new Date(invitation.expiresAt).toLocaleDateString()}{" "}
              {canManage && (
                <button type="button" onClick={() => cancel.mutate(invitation.id)} aria-label={`Cancel the invitation of ${invitation.email}`}>
                  Cancel
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {canManage && (
        <form onSubmit={submit} noValidate aria-label="Invite a member">
          <Field label="Email to invite" name="email" type="email" required errors={fields.email} />
          <div className="field">
            <label htmlFor="invite-role">Role</label>
            <select id="invite-role" name="role" defaultValue="member">
              {ROLES.map((option) => (
                <option key={option} value={option}>
                  {option}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={invite.isPending}>
            Send invitation
          </button>
        </form>
      )}
      {invite.isSuccess && <Notice>Invitation sent to {invite.data.email}.</Notice>}
      <ErrorMessage error={invite.error} fields={["email"]} />
    </section>
  );
}

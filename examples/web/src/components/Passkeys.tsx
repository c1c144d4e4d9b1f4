import type { Passkey } from "@keyway/sdk";
import { useKeyway } from "@keyway/sdk/react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { unwrap } from "../errors";
import { useAction } from "../useAction";
import { ErrorMessage, Notice } from "./ErrorMessage";
import { Field } from "./Field";

const PASSKEYS_KEY = ["keyway", "passkeys"] as const;

/** The account's passkeys: add one (the browser's WebAuthn dialog), rename or remove each. */
export function Passkeys() {
  const client = useKeyway();
  const queryClient = useQueryClient();
  const passkeys = useQuery({ queryKey: PASSKEYS_KEY, queryFn: () => unwrap(client.auth.passkey.listUserPasskeys()) });
  const action = useAction();
  const [status, setStatus] = useState<string | null>(null);

  const run = (step: () => Promise<string>) => {
    setStatus(null);
    action.mutate(async () => {
      const done = await step();
      await queryClient.invalidateQueries({ queryKey: PASSKEYS_KEY });
      setStatus(done);
    });
  };

  const add = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const name = String(new FormData(formElement).get("name")).trim() || undefined;
    run(async () => {
      const created = await unwrap(client.auth.passkey.addPasskey({ name }));
      formElement.reset();
      return `Passkey “${created.name ?? "Passkey"}” added. You can sign in with it instead of your password.`;
    });
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <p>A passkey signs you in with your device's screen lock or security key, without a password or a code.</p>
      <ErrorMessage error={passkeys.error} />
      {passkeys.data && passkeys.data.length === 0 && <p>No passkeys yet.</p>}
      {passkeys.data && passkeys.data.length > 0 && (
        <ul aria-label="Your passkeys" className="passkeys">
          {passkeys.data.map((passkey) => (
            <PasskeyRow key={passkey.id} passkey={passkey} run={run} pending={action.isPending} />
          ))}
        </ul>
      )}
      <form onSubmit={add} noValidate aria-label="Add a passkey">
        <Field label="Name of the new passkey" name="name" placeholder="e.g. Work laptop" maxLength={64} />
        <button type="submit" disabled={action.isPending}>
          Add a passkey
        </button>
      </form>
      {status && <Notice>{status}</Notice>}
      <ErrorMessage error={action.error} />
    </section>
  );
}

function PasskeyRow({ passkey, run, pending }: { passkey: Passkey; run: (step: () => Promise<string>) => void; pending: boolean }) {
  const client = useKeyway();
  const [renaming, setRenaming] = useState(false);
  const label = passkey.name || "Passkey";

  const rename = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("name")).trim();
    run(async () => {
      await unwrap(client.auth.passkey.updatePasskey({ id: passkey.id, name }));
      setRenaming(false);
      return `Passkey renamed to “${name}”.`;
    });
  };
  const remove = () =>
    run(async () => {
      await unwrap(client.auth.passkey.deletePasskey({ id: passkey.id }));
      return `Passkey “${label}” removed.`;
    });

  return (
    <li>
      <span className="passkey-name">{label}</span>
      {passkey.createdAt && <span> · added {new Date(passkey.createdAt).toLocaleDateString()}</span>}
      {renaming ? (
        <form onSubmit={rename} noValidate aria-label={`Rename ${label}`}>
          <Field label="New name" name="name" defaultValue={passkey.name ?? ""} maxLength={64} required />
          <button type="submit" disabled={pending}>
            Save name
          </button>
          <button type="button" onClick={() => setRenaming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <>
          <button type="button" onClick={() => setRenaming(true)} disabled={pending} aria-label={`Rename ${label}`}>
            Rename
          </button>
          <button type="button" onClick={remove} disabled={pending} aria-label={`Remove ${label}`}>
            Remove
          </button>
        </>
      )}
    </li>
  );
}

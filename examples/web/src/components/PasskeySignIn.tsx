import { useKeyway } from "@keyway/sdk/react";
import { useEffect } from "react";
import { AuthRequestError, unwrap } from "../errors";
import { useAction } from "../useAction";
import { ErrorMessage } from "./ErrorMessage";

/** The browser gave up on the ceremony (cancelled, aborted by a newer one): nothing reached the server. */
const cancelled = (error: unknown) =>
  error instanceof AuthRequestError && (error.code === "AUTH_CANCELLED" || (error.code ?? "").startsWith("ERROR_"));

/**
 * "Sign in with a passkey", and the same sign-in offered in the autofill of the page's
 * `autocomplete="username webauthn"` field (WebAuthn conditional UI) where the browser has it.
 */
export function PasskeySignIn({ onSignedIn }: { onSignedIn: () => void }) {
  const client = useKeyway();
  const action = useAction();
  const autofill = useAction();

  useEffect(() => {
    let live = true;
    void (async () => {
      const available = await window.PublicKeyCredential?.isConditionalMediationAvailable?.().catch(() => false);
      if (!available || !live) return;
      // Waits until a passkey is picked from the autofill; a click on the button aborts it.
      autofill.mutate(async () => {
        await unwrap(client.auth.signIn.passkey({ autoFill: true }));
        if (live) onSignedIn();
      });
    })();
    return () => {
      live = false;
    };
    // Once per visit of the page: a new ceremony would abort the pending one.
  }, []);

  const signIn = () =>
    action.mutate(async () => {
      await unwrap(client.auth.signIn.passkey());
      onSignedIn();
    });

  const error = action.error ?? (cancelled(autofill.error) ? null : autofill.error);
  return (
    <div className="passkey-sign-in">
      <button type="button" onClick={signIn} disabled={action.isPending}>
        Sign in with a passkey
      </button>
      <ErrorMessage error={cancelled(error) ? new Error("The passkey sign-in was cancelled.") : error} />
    </div>
  );
}

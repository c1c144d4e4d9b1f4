import { useKeyway, useSession } from "@keyway/sdk/react";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { safeReturnTo } from "../components/RequireAuth";
import { errorsByField, unwrap } from "../errors";
import { useAction } from "../useAction";

type Method = "totp" | "backup" | "email";

const LABELS: Record<Method, string> = {
  totp: "Code from your authenticator app",
  backup: "Backup code",
  email: "Code from the email",
};

/** The second step for users with two-factor authentication: after the password, before any session. */
export function TwoFactorPage() {
  const client = useKeyway();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get("returnTo"));
  const [method, setMethod] = useState<Method>("totp");
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);

  if (session.status === "signed-in") return <Navigate to={returnTo} replace />;

  const run = action.mutate;

  const verify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = String(form.get("code")).trim();
    const trustDevice = form.get("trustDevice") === "on";
    run(async () => {
      const { twoFactor } = client.auth;
      if (method === "totp") await unwrap(twoFactor.verifyTotp({ code, trustDevice }));
      else if (method === "backup") await unwrap(twoFactor.verifyBackupCode({ code, trustDevice }));
      else await unwrap(twoFactor.verifyOtp({ code, trustDevice }));
      void navigate(returnTo, { replace: true });
    });
  };

  const emailCode = () =>
    run(async () => {
      await unwrap(client.auth.twoFactor.sendOtp());
      setMethod("email");
      setNotice("We emailed you a code.");
    });

  return (
    <section aria-labelledby="two-factor-title">
      <h1 id="two-factor-title">Two-factor authentication</h1>
      <p>Your password was right. One more step: prove it is you with your second factor.</p>
      <form onSubmit={verify} noValidate aria-label="Second factor">
        <Field
          key={method}
          label={LABELS[method]}
          name="code"
          autoComplete="one-time-code"
          inputMode={method === "backup" ? "text" : "numeric"}
          required
          errors={errorsByField(action.error).code}
        />
        <div className="check">
          <input id="trust-device" name="trustDevice" type="checkbox" />
          <label htmlFor="trust-device">Trust this device for 30 days</label>
        </div>
        <button type="submit" disabled={action.isPending}>
          Verify
        </button>
      </form>
      <ErrorMessage error={action.error} fields={["code"]} />
      {notice && <Notice>{notice}</Notice>}
      <div role="group" aria-label="Other ways">
        {method !== "totp" && (
          <button type="button" onClick={() => setMethod("totp")}>
            Use my authenticator app
          </button>
        )}
        {method !== "backup" && (
          <button type="button" onClick={() => setMethod("backup")}>
            Use a backup code
          </button>
        )}
        {method !== "email" && (
          <button type="button" onClick={emailCode} disabled={action.isPending}>
            Email me a code
          </button>
        )}
      </div>
      <p>
        <Link to="/login">Start again</Link>
      </p>
    </section>
  );
}

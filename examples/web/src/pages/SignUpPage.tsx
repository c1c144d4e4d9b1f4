import { useKeyway, useSession } from "@keyway/sdk/react";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { safeReturnTo } from "../components/RequireAuth";
import { errorsByField, unwrap } from "../errors";

export function SignUpPage() {
  const client = useKeyway();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get("returnTo"));
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [verifyAt, setVerifyAt] = useState<string | null>(null);

  if (session.status === "signed-in") return <Navigate to={returnTo} replace />;

  const signUp = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    setBusy(true);
    setError(null);
    try {
      const { token } = await unwrap(
        client.auth.signUp.email({
          name: String(form.get("name")),
          email,
          password: String(form.get("password")),
          callbackURL: new URL(returnTo, window.location.origin).toString(),
        }),
      );
      // Without a token the API wants the address verified first (REQUIRE_EMAIL_VERIFICATION).
      if (token) navigate(returnTo, { replace: true });
      else setVerifyAt(email);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };

  if (verifyAt) return <Notice>Check your email: we sent a link to {verifyAt} to confirm the address.</Notice>;

  const fields = errorsByField(error);
  return (
    <section aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={(event) => void signUp(event)} noValidate aria-label="Create an account">
        <Field label="Name" name="name" autoComplete="name" required errors={fields.name} />
        <Field label="Email" name="email" type="email" autoComplete="email" required errors={fields.email} />
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          errors={fields.password}
          aria-description="8 to 128 characters; very common passwords are refused."
        />
        <button type="submit" disabled={busy}>
          Create account
        </button>
      </form>
      <ErrorMessage error={error} fields={["name", "email", "password"]} />
      <p>
        Already have an account? <Link to={`/login?returnTo=${encodeURIComponent(returnTo)}`}>Sign in</Link>
      </p>
    </section>
  );
}

import { useKeyway, useSession } from "@keyway/sdk/react";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { safeReturnTo } from "../components/RequireAuth";
import { errorsByField, unwrap } from "../errors";
import { useAction } from "../useAction";
import { CaptchaWidget } from "../components/CaptchaWidget";

export function SignUpPage() {
  const client = useKeyway();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get("returnTo"));
  const action = useAction();
  const [verifyAt, setVerifyAt] = useState<string | null>(null);

  if (session.status === "signed-in") return <Navigate to={returnTo} replace />;

  const signUp = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get("email"));
    action.mutate(async () => {
      const { token } = await unwrap(
        client.auth.signUp.email({
          name: String(form.get("name")),
          email,
          password: String(form.get("password")),
          callbackURL: new URL(returnTo, window.location.origin).toString(),
        }),
      );
      // Without a token the API wants the address verified first (REQUIRE_EMAIL_VERIFICATION).
      if (token) void navigate(returnTo, { replace: true });
      else setVerifyAt(email);
    });
  };

  if (verifyAt) return <Notice>Check your email: we sent a link to {verifyAt} to confirm the address.</Notice>;

  const fields = errorsByField(action.error);
  return (
    <section aria-labelledby="signup-title">
      <h1 id="signup-title">Create an account</h1>
      <form onSubmit={signUp} noValidate aria-label="Create an account">
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
        <button type="submit" disabled={action.isPending}>
          Create account
        </button>
      </form>
      <CaptchaWidget />
      <ErrorMessage error={action.error} fields={["name", "email", "password"]} />
      <p>
        Already have an account? <Link to={`/login?returnTo=${encodeURIComponent(returnTo)}`}>Sign in</Link>
      </p>
    </section>
  );
}

import { useKeyway, useSession } from "@keyway/sdk/react";
import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { PasskeySignIn } from "../components/PasskeySignIn";
import { safeReturnTo } from "../components/RequireAuth";
import { errorsByField, unwrap } from "../errors";
import { useAction } from "../useAction";
import { providerLabels } from "../keyway";
import { CaptchaWidget, useAuthConfig } from "../components/CaptchaWidget";
import { PhoneSignIn } from "../components/PhoneSignIn";

/** Email + password, the configured providers, and the password-less ways in (magic link, emailed code). */
export function LoginPage() {
  const client = useKeyway();
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const returnTo = safeReturnTo(params.get("returnTo"));
  const action = useAction();
  const [notice, setNotice] = useState<string | null>(null);
  const [otpSentTo, setOtpSentTo] = useState<string | null>(null);
  const absolute = (path: string) => new URL(path, window.location.origin).toString();
  const authConfig = useAuthConfig();
  // Only the providers the API has configured: a button for another would end in "Provider not found".
  const signInProviders = authConfig?.providers ?? [];

  if (session.status === "signed-in") return <Navigate to={returnTo} replace />;

  const run = (step: () => Promise<void>) => {
    setNotice(null);
    action.mutate(step);
  };

  const signIn = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    run(async () => {
      const result = await unwrap(
        client.auth.signIn.email({ email: String(form.get("email")), password: String(form.get("password")) }),
      );
      if (result.twoFactorRedirect) void navigate(`/two-factor?returnTo=${encodeURIComponent(returnTo)}`);
      else void navigate(returnTo, { replace: true });
    });
  };

  const social = (provider: string) =>
    run(async () => {
      // The SDK follows the provider's URL; the API sends the browser back here with the cookie set.
      await unwrap(
        client.auth.signIn.social({ provider, callbackURL: absolute(returnTo), errorCallbackURL: absolute("/login") }),
      );
    });

  const magicLink = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    run(async () => {
      await unwrap(client.auth.signIn.magicLink({ email, callbackURL: absolute(returnTo) }));
      setNotice(`A sign-in link is on its way to ${email}. It works once, for 5 minutes.`);
    });
  };

  const sendCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const email = String(new FormData(event.currentTarget).get("email"));
    run(async () => {
      await unwrap(client.auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" }));
      setOtpSentTo(email);
      setNotice(`A 6-digit code is on its way to ${email}.`);
    });
  };

  const signInWithCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const otp = String(new FormData(event.currentTarget).get("otp"));
    run(async () => {
      await unwrap(client.auth.signIn.emailOtp({ email: otpSentTo!, otp }));
      void navigate(returnTo, { replace: true });
    });
  };

  const fields = errorsByField(action.error);
  return (
    <section aria-labelledby="login-title">
      <h1 id="login-title">Sign in</h1>
      <form onSubmit={signIn} noValidate aria-label="Sign in with email and password">
        <Field label="Email" name="email" type="email" autoComplete="username webauthn" required errors={fields.email} />
        <Field label="Password" name="password" type="password" autoComplete="current-password" required errors={fields.password} />
        <button type="submit" disabled={action.isPending}>
          Sign in
        </button>
      </form>
      <CaptchaWidget />
      <ErrorMessage error={action.error} fields={otpSentTo ? ["code"] : ["email", "password"]} />
      {notice && <Notice>{notice}</Notice>}
      <PasskeySignIn onSignedIn={() => void navigate(returnTo, { replace: true })} />

      {signInProviders.length > 0 && (
        <div className="providers" role="group" aria-label="Sign in with a provider">
          {signInProviders.map((provider) => (
            <button key={provider} type="button" onClick={() => social(provider)} disabled={action.isPending}>
              Continue with {providerLabels[provider] ?? provider}
            </button>
          ))}
        </div>
      )}

      <details>
        <summary>Sign in without a password</summary>
        <form onSubmit={magicLink} noValidate aria-label="Email me a sign-in link">
          <Field label="Email for a sign-in link" name="email" type="email" autoComplete="email" required />
          <button type="submit" disabled={action.isPending}>
            Email me a link
          </button>
        </form>
        {otpSentTo ? (
          <form onSubmit={signInWithCode} noValidate aria-label="Sign in with the emailed code">
            <Field label="Code from the email" name="otp" inputMode="numeric" autoComplete="one-time-code" required errors={fields.code} />
            <button type="submit" disabled={action.isPending}>
              Sign in with the code
            </button>
          </form>
        ) : (
          <form onSubmit={sendCode} noValidate aria-label="Email me a code">
            <Field label="Email for a code" name="email" type="email" autoComplete="email" required />
            <button type="submit" disabled={action.isPending}>
              Email me a code
            </button>
          </form>
        )}
        {authConfig?.phone && <PhoneSignIn returnTo={returnTo} />}
      </details>

      <p>
        New here? <Link to={`/signup?returnTo=${encodeURIComponent(returnTo)}`}>Create an account</Link>
      </p>
    </section>
  );
}

import { useKeyway, useSession, useTRPC } from "@keyway/sdk/react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { ErrorMessage, Notice } from "../components/ErrorMessage";
import { Field } from "../components/Field";
import { Passkeys } from "../components/Passkeys";
import { AuthRequestError, errorsByField, unwrap } from "../errors";

/** Profile, settings, password and two-factor authentication. */
export function AccountPage() {
  return (
    <section aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <Profile />
      <Settings />
      <Password />
      <TwoFactor />
      <Passkeys />
    </section>
  );
}

function Profile() {
  const trpc = useTRPC();
  const client = useKeyway();
  const queryClient = useQueryClient();
  const me = useQuery(trpc.me.get.queryOptions());
  const update = useMutation(
    trpc.me.update.mutationOptions({
      onSuccess: async (user) => {
        queryClient.setQueryData(trpc.me.get.queryKey(), user);
        await client.getSession();
      },
    }),
  );
  const fields = errorsByField(update.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    update.mutate({ name: String(new FormData(event.currentTarget).get("name")) });
  };
  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <ErrorMessage error={me.error} />
      {me.data && (
        <form onSubmit={submit} noValidate aria-label="Profile">
          <p>Email: {me.data.email}</p>
          <Field label="Name" name="name" defaultValue={me.data.name} errors={fields.name} />
          <button type="submit" disabled={update.isPending}>
            Save profile
          </button>
          {update.isSuccess && <Notice>Profile saved.</Notice>}
          <ErrorMessage error={update.error} fields={["name"]} />
        </form>
      )}
    </section>
  );
}

function Settings() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.settings.get.queryOptions());
  const update = useMutation(
    trpc.settings.update.mutationOptions({ onSuccess: (saved) => queryClient.setQueryData(trpc.settings.get.queryKey(), saved) }),
  );
  const fields = errorsByField(update.error);
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    update.mutate({
      theme: String(form.get("theme")) as "system" | "light" | "dark",
      locale: String(form.get("locale")),
      timeZone: String(form.get("timeZone")),
    });
  };
  return (
    <section aria-labelledby="settings-title">
      <h2 id="settings-title">Settings</h2>
      <ErrorMessage error={settings.error} />
      {settings.data && (
        <form onSubmit={submit} noValidate aria-label="Settings">
          <div className="field">
            <label htmlFor="theme">Theme</label>
            <select id="theme" name="theme" defaultValue={settings.data.theme}>
              <option value="system">System</option>
              <option value="light">Light</option>
              <option value="dark">Dark</option>
            </select>
          </div>
          <Field label="Locale" name="locale" defaultValue={settings.data.locale} errors={fields.locale} />
          <Field label="Time zone" name="timeZone" defaultValue={settings.data.timeZone} errors={fields.timeZone} />
          <button type="submit" disabled={update.isPending}>
            Save settings
          </button>
          {update.isSuccess && <Notice>Settings saved.</Notice>}
          <ErrorMessage error={update.error} fields={["locale", "timeZone"]} />
        </form>
      )}
    </section>
  );
}

function Password() {
  const client = useKeyway();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);
  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    setDone(false);
    try {
      await unwrap(
        client.auth.changePassword({
          currentPassword: String(form.get("currentPassword")),
          newPassword: String(form.get("newPassword")),
          revokeOtherSessions: true,
        }),
      );
      formElement.reset();
      setDone(true);
    } catch (failure) {
      setError(failure);
    }
  };
  // Better Auth names both passwords "password": a wrong current one, or a refused new one.
  const wrongCurrent = error instanceof AuthRequestError && error.code === "INVALID_PASSWORD";
  const passwordErrors = errorsByField(error).password;
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <form onSubmit={(event) => void submit(event)} noValidate aria-label="Change password">
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" errors={wrongCurrent ? passwordErrors : undefined} />
        <Field label="New password" name="newPassword" type="password" autoComplete="new-password" errors={wrongCurrent ? undefined : passwordErrors} />
        <button type="submit">Change password</button>
      </form>
      {done && <Notice>Password changed. Your other sessions were signed out.</Notice>}
      <ErrorMessage error={error} fields={["password"]} />
    </section>
  );
}

function TwoFactor() {
  const client = useKeyway();
  const session = useSession();
  const [enrolment, setEnrolment] = useState<{ totpURI: string; backupCodes: string[] } | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [failed, setFailed] = useState<{ form: string; error: unknown } | null>(null);

  const run = async (event: FormEvent<HTMLFormElement>, action: (form: FormData) => Promise<void>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    setFailed(null);
    setStatus(null);
    try {
      await action(new FormData(formElement));
      formElement.reset();
    } catch (error) {
      setFailed({ form: formElement.getAttribute("aria-label") ?? "", error });
    }
  };
  const fieldsOf = (form: string) => (failed?.form === form ? errorsByField(failed.error) : {});

  const enable = (form: FormData) =>
    unwrap(client.auth.twoFactor.enable({ password: String(form.get("password")) })).then((result) => {
      if (result.method === "totp") setEnrolment({ totpURI: result.totpURI, backupCodes: result.backupCodes });
    });
  const confirm = (form: FormData) =>
    unwrap(client.auth.twoFactor.verifyTotp({ code: String(form.get("code")).trim() })).then(async () => {
      setEnrolment(null);
      setStatus("Two-factor authentication is on. You will be asked for a code when you sign in.");
      await session.refetch();
    });
  const disable = (form: FormData) =>
    unwrap(client.auth.twoFactor.disable({ password: String(form.get("password")) })).then(async () => {
      setStatus("Two-factor authentication is off.");
      await session.refetch();
    });

  if (session.status !== "signed-in") return null;
  return (
    <section aria-labelledby="two-factor-title">
      <h2 id="two-factor-title">Two-factor authentication</h2>
      {enrolment ? (
        <>
          <p>Add this key to your authenticator app (or scan it as a QR code from the URI), then enter the code it shows.</p>
          <p>
            <label htmlFor="totp-uri">Authenticator setup URI</label>
            <output id="totp-uri" className="secret">
              {enrolment.totpURI}
            </output>
          </p>
          <p>Backup codes: each works once. Keep them somewhere safe.</p>
          <ul aria-label="Backup codes" className="codes">
            {enrolment.backupCodes.map((code) => (
              <li key={code}>{code}</li>
            ))}
          </ul>
          <form onSubmit={(event) => void run(event, confirm)} noValidate aria-label="Confirm two-factor authentication">
            <Field
              label="Code from your authenticator app"
              name="code"
              inputMode="numeric"
              autoComplete="one-time-code"
              errors={fieldsOf("Confirm two-factor authentication").code}
            />
            <button type="submit">Turn on two-factor</button>
          </form>
        </>
      ) : session.user.twoFactorEnabled ? (
        <>
          <p>Signing in asks for a code from your authenticator app after your password.</p>
          <form onSubmit={(event) => void run(event, disable)} noValidate aria-label="Turn off two-factor authentication">
            <Field
              label="Password to turn off two-factor"
              name="password"
              type="password"
              autoComplete="current-password"
              errors={fieldsOf("Turn off two-factor authentication").password}
            />
            <button type="submit">Turn off two-factor</button>
          </form>
        </>
      ) : (
        <>
          <p>Signing in asks only for your password. Add a code from an authenticator app:</p>
          <form onSubmit={(event) => void run(event, enable)} noValidate aria-label="Set up two-factor authentication">
            <Field
              label="Password to set up two-factor"
              name="password"
              type="password"
              autoComplete="current-password"
              errors={fieldsOf("Set up two-factor authentication").password}
            />
            <button type="submit">Set up two-factor</button>
          </form>
        </>
      )}
      {status && <Notice>{status}</Notice>}
      <ErrorMessage error={failed?.error} fields={["code", "password"]} />
    </section>
  );
}

import { useKeyway } from "@keyway/sdk/react";
import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { errorsByField, unwrap } from "../errors";
import { ErrorMessage, Notice } from "./ErrorMessage";
import { Field } from "./Field";
import { useAction } from "../useAction";

/**
 * Sign-in by SMS code: the number (E.164, e.g. +14155550123), then the 6-digit code. The client's
 * fetch carries the captcha widget's token (see keyway.ts).
 */
export function PhoneSignIn({ returnTo }: { returnTo: string }) {
  const client = useKeyway();
  const navigate = useNavigate();
  const action = useAction();
  const [sentTo, setSentTo] = useState<string | null>(null);

  const sendCode = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const phoneNumber = String(new FormData(event.currentTarget).get("phoneNumber")).replace(/[\s().-]/g, "");
    action.mutate(async () => {
      await unwrap(client.auth.phoneNumber.sendOtp({ phoneNumber }));
      setSentTo(phoneNumber);
    });
  };

  const verify = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code"));
    action.mutate(async () => {
      const answer = await unwrap(client.auth.phoneNumber.verify({ phoneNumber: sentTo!, code }));
      if (answer.twoFactorRedirect) return void navigate(`/two-factor?returnTo=${encodeURIComponent(returnTo)}`);
      await client.getSession();
      void navigate(returnTo, { replace: true });
    });
  };

  const fields = errorsByField(action.error);
  return (
    <>
      {sentTo ? (
        <form onSubmit={verify} noValidate aria-label="Sign in with the texted code">
          <Notice>A 6-digit code is on its way to {sentTo}.</Notice>
          <Field label="Code from the text message" name="code" inputMode="numeric" autoComplete="one-time-code" required errors={fields.code} />
          <button type="submit" disabled={action.isPending}>
            Sign in with the code
          </button>
        </form>
      ) : (
        <form onSubmit={sendCode} noValidate aria-label="Text me a code">
          <Field label="Phone number (with country code, e.g. +14155550123)" name="phoneNumber" type="tel" autoComplete="tel" required errors={fields.phoneNumber} />
          <button type="submit" disabled={action.isPending}>
            Text me a code
          </button>
        </form>
      )}
      <ErrorMessage error={action.error} fields={sentTo ? ["code"] : ["phoneNumber"]} />
    </>
  );
}

import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient, PASSWORD, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { codeIn, startSmtpServer } from "../helpers/smtp.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "false", LOCKOUT_MAX_FAILURES: "3", LOCKOUT_WINDOW_SECONDS: "60" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const post = (path: string, body: unknown, cookie = "") =>
  fetch(`${server.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });

async function expectLocked(answer: Response) {
  expect(answer.status).toBe(429);
  expect((await answer.json()).code).toBe("ACCOUNT_TEMPORARILY_LOCKED");
  expect(Number(answer.headers.get("retry-after"))).toBeGreaterThan(0);
}

async function signUp(label: string, extra: Record<string, string> = {}) {
  const email = uniqueEmail(label);
  const client = newClient(server);
  expect((await client.auth.signUp.email({ email, password: PASSWORD, name: label, ...extra })).error).toBeNull();
  return { client, email };
}

async function nextCode(email: string, before: number) {
  while (smtp.count(email) <= before) await new Promise((resolve) => setTimeout(resolve, 50));
  return codeIn(await smtp.waitFor(email, /one-time code/i));
}

const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("one per-account budget across every path that checks a secret", () => {
  it("failures by email lock sign-in by username, the right password too, and the other way round", async () => {
    const username = `lock${Date.now() % 1e8}`;
    const { email } = await signUp("byname", { username });
    for (let i = 0; i < 3; i++) expect((await post("/sign-in/email", { email, password: "wrong password!" })).status).toBe(401);
    await expectLocked(await post("/sign-in/username", { username, password: PASSWORD }));

    const other = `lockb${Date.now() % 1e8}`;
    const second = await signUp("byname2", { username: other });
    for (let i = 0; i < 3; i++) expect((await post("/sign-in/username", { username: other.toUpperCase(), password: "wrong password!" })).status).toBe(401);
    await expectLocked(await post("/sign-in/email", { email: second.email, password: PASSWORD }));
  });

  it("wrong passwords given with a session (change-password) count too", async () => {
    const { client, email } = await signUp("session-pw");
    for (let i = 0; i < 3; i++) {
      const answer = await client.auth.changePassword({ currentPassword: "wrong password!", newPassword: "another long password" });
      expect(answer.error?.status).toBe(400);
    }
    await expectLocked(await post("/sign-in/email", { email, password: PASSWORD }));
  });

  it("emailed codes: a re-send does not reset the count, and once spent the right code is refused", async () => {
    const { email } = await signUp("otp");
    await smtp.waitFor(email, /Confirm your email/);
    let before = smtp.count(email);
    expect((await post("/email-otp/send-verification-otp", { email, type: "sign-in" })).status).toBe(200);
    let code = await nextCode(email, before);
    for (let i = 0; i < 2; i++) expect((await post("/sign-in/email-otp", { email, otp: wrong(code) })).status).toBe(400);
    before = smtp.count(email);
    expect((await post("/email-otp/send-verification-otp", { email, type: "sign-in" })).status).toBe(200);
    code = await nextCode(email, before);
    expect((await post("/sign-in/email-otp", { email, otp: wrong(code) })).status).toBe(400);
    await expectLocked(await post("/sign-in/email-otp", { email, otp: code }));
  });

  it("second-factor failures count: after the budget, the right TOTP code is refused with 429", async () => {
    const { client, email } = await signUp("totp");
    const enabled = await client.auth.twoFactor.enable({ password: PASSWORD });
    if (enabled.data?.method !== "totp") throw new Error("expected a TOTP enrolment");
    const totp = OTPAuth.URI.parse(enabled.data.totpURI) as OTPAuth.TOTP;
    expect((await client.auth.twoFactor.verifyTotp({ code: totp.generate() })).error).toBeNull();

    const challenged = await post("/sign-in/email", { email, password: PASSWORD });
    expect(await challenged.json()).toMatchObject({ twoFactorRedirect: true });
    const cookie = challenged.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
    for (let i = 0; i < 3; i++) expect((await post("/two-factor/verify-totp", { code: wrong(totp.generate()) }, cookie)).status).toBe(401);
    await expectLocked(await post("/two-factor/verify-totp", { code: totp.generate() }, cookie));
    await expectLocked(await post("/sign-in/email", { email, password: PASSWORD }));
  });
});

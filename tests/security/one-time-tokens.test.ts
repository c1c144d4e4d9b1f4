import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient, PASSWORD, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { codeIn, linkIn, startSmtpServer } from "../helpers/smtp.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function account(label: string) {
  const email = uniqueEmail(label);
  await newClient(server).auth.signUp.email({ email, password: PASSWORD, name: label });
  return email;
}

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify(body),
  });

describe("a one-time token used 10 times at once succeeds exactly once", () => {
  it("password reset token", async () => {
    const email = await account("reset-race");
    await newClient(server).auth.requestPasswordReset({ email, redirectTo: "/reset" });
    const token = new URL(linkIn(await smtp.waitFor(email, /Reset your password/))).pathname.split("/").pop()!;
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post("/api/auth/reset-password", { token, newPassword: `new passphrase number ${i}` })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });

  it("magic link", async () => {
    const email = await account("magic-race");
    await newClient(server).auth.signIn.magicLink({ email, callbackURL: "/" });
    const link = linkIn(await smtp.waitFor(email, /sign-in link/));
    const responses = await Promise.all(Array.from({ length: 10 }, () => fetch(link, { redirect: "manual" })));
    const signedIn = responses.filter((response) => response.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie)));
    expect(signedIn).toHaveLength(1);
    expect(responses.filter((response) => response.status >= 500)).toEqual([]);
  });

  it("email OTP", async () => {
    const email = await account("otp-race");
    await newClient(server).auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" });
    const otp = codeIn(await smtp.waitFor(email, /one-time code/));
    const responses = await Promise.all(Array.from({ length: 10 }, () => post("/api/auth/sign-in/email-otp", { email, otp })));
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
  });
});

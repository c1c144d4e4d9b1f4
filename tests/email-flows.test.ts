import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user, verification } from "../db/schema/index.js";
import { createClient } from "../sdk/src/index.js";
import { cookieOf, newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { confirmLink } from "./helpers/confirm-link.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { codeIn, linkIn, startSmtpServer } from "./helpers/smtp.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "true", MAIL_FROM: "keyway <auth@example.test>" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const NEW_PASSWORD = "a brand new passphrase";

/** Opens a link from a message the way a browser would, without following the redirect. */
async function visit(link: string, cookie?: string) {
  const response = await fetch(link, { redirect: "manual", headers: cookie ? { cookie } : {} });
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!).filter((cookie) => !cookie.endsWith("="));
  return { status: response.status, location: response.headers.get("location"), cookie: cookies.join("; ") };
}

async function followConfirm(link: string) {
  const response = await confirmLink(link);
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!).filter((cookie) => !cookie.endsWith("="));
  return { status: response.status, location: response.headers.get("location"), cookie: cookies.join("; ") };
}

const userRow = async (email: string) => (await server.database.db.select().from(user).where(eq(user.email, email)))[0];

/** Signs up and verifies through the real mail, returning a signed-in client. */
async function verifiedUser(label: string) {
  const client = newClient(server);
  const email = uniqueEmail(label);
  await client.auth.signUp.email({ email, password: PASSWORD, name: label });
  await visit(linkIn(await smtp.waitFor(email, /Confirm your email/)));
  const signIn = await client.auth.signIn.email({ email, password: PASSWORD });
  expect(signIn.error).toBeNull();
  return { client, email };
}

describe("email verification", () => {
  it("sends a link on sign-up, blocks sign-in until it is followed, and the link verifies without signing anyone in", async () => {
    const client = newClient(server);
    const email = uniqueEmail("verify");
    const signUp = await client.auth.signUp.email({ email, password: PASSWORD, name: "Verify" });
    expect(signUp.data?.token).toBeNull();
    expect(await client.api.session.get.query()).toBeNull();

    const mail = await smtp.waitFor(email, /Confirm your email/);
    expect(mail.html).toContain("<a href=");
    const link = linkIn(mail);
    expect(link.startsWith(`${server.url}/api/auth/verify-email?token=`)).toBe(true);

    const early = await client.auth.signIn.email({ email, password: PASSWORD });
    expect(early.error?.status).toBe(403);
    expect((await userRow(email))!.emailVerified).toBe(false);

    const followed = await visit(link);
    expect(followed.status).toBe(302);
    expect(followed.cookie).not.toContain("session_token=");
    expect((await userRow(email))!.emailVerified).toBe(true);
    const signIn = await client.auth.signIn.email({ email, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);
  });

  it("resends on request, and builds links from BETTER_AUTH_URL, never from the Host header", async () => {
    const email = uniqueEmail("resend");
    await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, host: "evil.example", "x-forwarded-host": "evil.example" },
      body: JSON.stringify({ email, password: PASSWORD, name: "Resend" }),
    });
    expect(linkIn(await smtp.waitFor(email)).startsWith(server.url)).toBe(true);
    const before = smtp.count(email);
    await newClient(server).auth.sendVerificationEmail({ email });
    await expect.poll(() => smtp.count(email)).toBe(before + 1);
  });

  it("answers a sign-up of an existing address exactly like a new one", async () => {
    const { email } = await verifiedUser("existing");
    const signUp = (address: string) =>
      fetch(`${server.url}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email: address, password: PASSWORD, name: "Someone" }),
      });
    const known = await signUp(email);
    const unknown = await signUp(uniqueEmail("fresh"));
    expect(known.status).toBe(unknown.status);
    const shape = (body: { token: unknown; user: Record<string, unknown> }) => ({ token: body.token, keys: Object.keys(body.user).sort() });
    expect(shape(await known.json())).toEqual(shape(await unknown.json()));
    expect(known.headers.getSetCookie()).toEqual(unknown.headers.getSetCookie());
  });
});

describe("password reset", () => {
  it("answers alike for unknown emails and sends nothing", async () => {
    const { email } = await verifiedUser("resetknown");
    const request = (address: string) =>
      fetch(`${server.url}/api/auth/request-password-reset`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email: address, redirectTo: "/reset" }),
      });
    const unknownEmail = uniqueEmail("nobody");
    const known = await request(email);
    const unknown = await request(unknownEmail);
    expect(known.status).toBe(unknown.status);
    expect(await known.json()).toEqual(await unknown.json());
    await smtp.waitFor(email, /Reset your password/);
    expect(smtp.count(unknownEmail)).toBe(0);
  });

  it("resets with the mailed token once, revokes every session, and the new password works", async () => {
    const { client, email } = await verifiedUser("reset");
    const other = newClient(server);
    await other.auth.signIn.email({ email, password: PASSWORD });
    await client.auth.requestPasswordReset({ email, redirectTo: "/reset" });
    const link = linkIn(await smtp.waitFor(email, /Reset your password/));
    const token = new URL(link).pathname.split("/").pop()!;

    const reset = await newClient(server).auth.resetPassword({ newPassword: NEW_PASSWORD, token });
    expect(reset.error).toBeNull();
    expect(await client.api.session.get.query()).toBeNull();
    expect(await other.api.session.get.query()).toBeNull();
    expect((await newClient(server).auth.signIn.email({ email, password: PASSWORD })).error?.status).toBe(401);
    expect((await newClient(server).auth.signIn.email({ email, password: NEW_PASSWORD })).error).toBeNull();

    const again = await newClient(server).auth.resetPassword({ newPassword: "yet another passphrase", token });
    expect(again.error?.status).toBe(400);
  });

  it("refuses an expired token", async () => {
    const { client, email } = await verifiedUser("expired");
    await client.auth.requestPasswordReset({ email, redirectTo: "/reset" });
    const token = new URL(linkIn(await smtp.waitFor(email, /Reset your password/))).pathname.split("/").pop()!;
    await server.database.db
      .update(verification)
      .set({ expiresAt: new Date(Date.now() - 60_000) })
      .where(like(verification.identifier, `reset-password:%`));
    const reset = await newClient(server).auth.resetPassword({ newPassword: NEW_PASSWORD, token });
    expect(reset.error?.status).toBe(400);
    expect((await newClient(server).auth.signIn.email({ email, password: PASSWORD })).error).toBeNull();
  });

  it("changes the password with the current one and can revoke the other sessions", async () => {
    const { client, email } = await verifiedUser("change");
    const other = newClient(server);
    await other.auth.signIn.email({ email, password: PASSWORD });
    const wrong = await client.auth.changePassword({ currentPassword: "not the password", newPassword: NEW_PASSWORD });
    expect(wrong.error?.status).toBe(400);
    const changed = await client.auth.changePassword({ currentPassword: PASSWORD, newPassword: NEW_PASSWORD, revokeOtherSessions: true });
    expect(changed.error).toBeNull();
    expect(await other.api.session.get.query()).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);
  });
});

describe("change of email and deleting the account", () => {
  it("confirms with the current address, verifies the new one, then switches", async () => {
    const { client, email } = await verifiedUser("mover");
    const newEmail = uniqueEmail("moved");
    expect((await client.auth.changeEmail({ newEmail, callbackURL: "/" })).error).toBeNull();
    const confirm = await smtp.waitFor(email, /Confirm changing your email/);
    expect(confirm.text).toContain(newEmail);
    await visit(linkIn(confirm));
    await visit(linkIn(await smtp.waitFor(newEmail, /Confirm your email/)));
    expect(await userRow(email)).toBeUndefined();
    expect((await userRow(newEmail))!.emailVerified).toBe(true);
  });

  it("deletes the account only after the mailed confirmation", async () => {
    const { client, email } = await verifiedUser("leaver");
    expect((await client.auth.deleteUser({ password: PASSWORD, callbackURL: "/" })).error).toBeNull();
    expect(await userRow(email)).toBeDefined();
    // The link is opened in the browser that is signed in to the account.
    const followed = await visit(linkIn(await smtp.waitFor(email, /Confirm deleting/)), await cookieOf(client, server));
    expect(followed.status).toBe(302);
    expect(await userRow(email)).toBeUndefined();
  });
});

describe("magic link", () => {
  it("signs in exactly once", async () => {
    const { email } = await verifiedUser("magic");
    const client = newClient(server);
    expect((await client.auth.signIn.magicLink({ email, callbackURL: "/" })).error).toBeNull();
    const link = linkIn(await smtp.waitFor(email, /sign-in link/));
    // The mail opens our confirm page; its same-site post signs in.
    const first = await followConfirm(link);
    expect(first.cookie).toContain("session_token=");
    const me = await fetch(`${server.url}/api/session`, { headers: { cookie: first.cookie } });
    expect((await me.json()).data.user.email).toBe(email);
    const second = await followConfirm(link);
    expect(second.cookie).not.toContain("session_token=");
    expect(second.location).toContain("error=");
  });
});

describe("email OTP", () => {
  it("signs in with the mailed code, rejects a wrong one, and locks after 3 attempts", async () => {
    const { email } = await verifiedUser("otp");
    const client = newClient(server);
    await client.auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" });
    const code = codeIn(await smtp.waitFor(email, /one-time code/));
    const wrong = code === "000000" ? "111111" : "000000";
    expect((await client.auth.signIn.emailOtp({ email, otp: wrong })).error?.status).toBe(400);
    expect((await client.auth.signIn.emailOtp({ email, otp: code })).error).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);

    const locked = newClient(server);
    await locked.auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" });
    await expect.poll(() => smtp.inbox.filter((mail) => mail.to === email && /one-time code/.test(mail.subject)).length).toBe(2);
    const fresh = codeIn(await smtp.waitFor(email, /one-time code/));
    const bad = fresh === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) await locked.auth.signIn.emailOtp({ email, otp: bad });
    const afterLimit = await locked.auth.signIn.emailOtp({ email, otp: fresh });
    expect(afterLimit.error?.status).toBeGreaterThanOrEqual(400);
    expect(await locked.api.session.get.query()).toBeNull();
  });
});

describe("username", () => {
  it("checks availability, and signs in with the username", async () => {
    const client = createClient({ baseUrl: server.url });
    const email = uniqueEmail("named");
    const name = `user_${Date.now().toString(36)}`;
    expect((await client.auth.isUsernameAvailable({ username: name })).data?.available).toBe(true);
    await client.auth.signUp.email({ email, password: PASSWORD, name: "Named", username: name });
    await visit(linkIn(await smtp.waitFor(email, /Confirm your email/)));
    expect((await client.auth.isUsernameAvailable({ username: name })).data?.available).toBe(false);
    const signIn = await client.auth.signIn.username({ username: name, password: PASSWORD });
    expect(signIn.error).toBeNull();
    expect(await cookieOf(client, server)).toContain("session_token=");
    expect((await client.api.me.get.query()).email).toBe(email);
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient, uniqueEmail } from "../helpers/clients.js";
import { confirmLink } from "../helpers/confirm-link.js";
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
    const responses = await Promise.all(Array.from({ length: 10 }, () => confirmLink(link)));
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

describe("a one-time secret dies when what it guards changes", () => {
  const resetTokens = (email: string) =>
    smtp.inbox
      .filter((mail) => mail.to === email && /Reset your password/.test(mail.subject))
      .map((mail) => new URL(linkIn(mail)).pathname.split("/").pop()!);

  async function resetLink(email: string) {
    const before = resetTokens(email).length;
    await newClient(server).auth.requestPasswordReset({ email, redirectTo: "/reset" });
    await expect.poll(() => resetTokens(email).length).toBe(before + 1);
    return resetTokens(email).at(-1)!;
  }

  const reset = (token: string, newPassword = "a passphrase set by reset") => post("/api/auth/reset-password", { token, newPassword });

  it("a reset link stops working once the owner changes the password", async () => {
    const { client, email } = await signedUpClient(server, "reset-then-change");
    const token = await resetLink(email);
    expect((await client.auth.changePassword({ currentPassword: PASSWORD, newPassword: "the owner's new passphrase" })).error).toBeNull();
    expect((await reset(token)).status).toBe(400);
  });

  it("using one reset link kills the user's other reset links", async () => {
    const email = await account("two-resets");
    const first = await resetLink(email);
    const second = await resetLink(email);
    expect((await reset(second)).status).toBe(200);
    expect((await reset(first, "another passphrase entirely")).status).toBe(400);
  });

  it("a reset link stops working once the account moves to a new address", async () => {
    const { client, email } = await signedUpClient(server, "reset-then-move");
    const token = await resetLink(email);
    const newEmail = uniqueEmail("moved-away");
    expect((await client.auth.changeEmail({ newEmail, callbackURL: "/" })).error).toBeNull();
    // An unverified account's new address is confirmed by the link mailed there.
    await fetch(linkIn(await smtp.waitFor(newEmail, /Confirm your email/)), { redirect: "manual" });
    expect((await client.api.me.get.query()).email).toBe(newEmail);
    expect((await reset(token)).status).toBe(400);
  });

  it("a magic link stops working once the owner revokes their sessions", async () => {
    const { client, email } = await signedUpClient(server, "magic-then-revoke");
    await newClient(server).auth.signIn.magicLink({ email, callbackURL: "/" });
    const link = linkIn(await smtp.waitFor(email, /sign-in link/));
    const revoked = await fetch(`${server.url}/api/auth/revoke-sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url, cookie: await cookieOf(client, server) },
      body: "{}",
    });
    expect(revoked.status).toBe(200);
    const followed = await confirmLink(link);
    expect(followed.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie))).toBe(false);
  });

  it("an emailed sign-in code stops working once the owner turns on a second factor", async () => {
    const { client, email } = await signedUpClient(server, "otp-then-2fa");
    await newClient(server).auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" });
    const otp = codeIn(await smtp.waitFor(email, /one-time code/));
    expect((await client.auth.twoFactor.enable({ password: PASSWORD })).error).toBeNull();
    expect((await post("/api/auth/sign-in/email-otp", { email, otp })).status).toBe(400);
  });

  async function adminCookie() {
    const root = await signedUpClient(server, "secret-admin");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, root.userId));
    const signedIn = newClient(server);
    expect((await signedIn.auth.signIn.email({ email: root.email, password: PASSWORD })).error).toBeNull();
    return cookieOf(signedIn, server);
  }
  const asAdmin = (cookie: string, path: string, body: unknown) =>
    fetch(`${server.url}/api/auth${path}`, { method: "POST", headers: { "content-type": "application/json", origin: server.url, cookie }, body: JSON.stringify(body) });

  it("a reset link and an emailed code stop working once an admin sets the user's password", async () => {
    const { email, userId } = await signedUpClient(server, "reset-then-admin-set");
    const token = await resetLink(email);
    await newClient(server).auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" });
    const otp = codeIn(await smtp.waitFor(email, /one-time code/));
    const set = await asAdmin(await adminCookie(), "/admin/set-user-password", { userId, newPassword: "a passphrase the admin chose" });
    expect(set.status).toBe(200);
    expect((await reset(token)).status).toBe(400);
    expect((await post("/api/auth/sign-in/email-otp", { email, otp })).status).toBe(400);
  });

  it("a magic link stops working once an admin revokes the user's sessions", async () => {
    const { email, userId } = await signedUpClient(server, "magic-then-admin-revoke");
    await newClient(server).auth.signIn.magicLink({ email, callbackURL: "/" });
    const link = linkIn(await smtp.waitFor(email, /sign-in link/));
    const revoked = await asAdmin(await adminCookie(), "/admin/revoke-user-sessions", { userId });
    expect(revoked.status).toBe(200);
    const followed = await confirmLink(link);
    expect(followed.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie))).toBe(false);
  });
});

describe("a magic link signs in only through a same-site confirmation", () => {
  it("the bare link, and a cross-site post of its token, sign no one in", async () => {
    const email = await account("magic-csrf");
    await newClient(server).auth.signIn.magicLink({ email, callbackURL: "/" });
    const link = linkIn(await smtp.waitFor(email, /sign-in link/));
    const token = decodeURIComponent(new URL(link).hash.slice(1));
    expect(link).not.toContain("?token=");
    const bare = await fetch(`${server.url}/api/auth/magic-link/verify?token=${token}&callbackURL=/`, { redirect: "manual" });
    expect(bare.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie))).toBe(false);
    const crossSite = await confirmLink(link, { origin: "http://attacker.example", site: "cross-site" });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie))).toBe(false);
    const noOrigin = await fetch(link.split("#")[0]!, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ token }) });
    expect(noOrigin.status).toBe(403);
    const confirmed = await confirmLink(link);
    expect(confirmed.status).toBe(302);
    expect(confirmed.headers.getSetCookie().some((cookie) => /session_token=[^;]/.test(cookie))).toBe(true);
    expect(JSON.stringify(server.logs())).not.toContain(token);
  });
});

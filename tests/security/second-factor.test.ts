import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeywayClient } from "../../sdk/src/index.js";
import { cookieOf, newClient, PASSWORD, uniqueEmail } from "../helpers/clients.js";
import { type FakeUser, startGithub } from "../helpers/oauth-stand-ins.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { codeIn, linkIn, startSmtpServer } from "../helpers/smtp.js";
import { trpcError } from "../helpers/trpc.js";

const email = uniqueEmail("gated");
const PAT = "ghp_gatedUserPersonalAccessToken00000000";
const ghUser: FakeUser = { id: 777001, login: "gated", name: "Gated", email, emailVerified: true };

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let github: Awaited<ReturnType<typeof startGithub>>;
let server: TestServer;
let totp: OTPAuth.TOTP;

beforeAll(async () => {
  smtp = await startSmtpServer();
  github = await startGithub({ users: [ghUser], pats: new Map([[PAT, { user: ghUser, scopes: ["read:user", "user:email"] }]]) });
  server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "false", GITHUB_API_URL: github.url });
  const client = newClient(server);
  expect((await client.auth.signUp.email({ email, password: PASSWORD, name: "Gated" })).error).toBeNull();
  const enabled = await client.auth.twoFactor.enable({ password: PASSWORD });
  if (enabled.data?.method !== "totp") throw new Error("expected a TOTP enrolment");
  totp = OTPAuth.URI.parse(enabled.data.totpURI) as OTPAuth.TOTP;
  expect((await client.auth.twoFactor.verifyTotp({ code: totp.generate() })).error).toBeNull();
});
afterAll(async () => {
  await server?.close();
  await github?.close();
  await smtp?.close();
});

/** The next message to the user after `before` of them had arrived. */
async function nextMail(subject: RegExp, before: number) {
  while (smtp.count(email) <= before) await new Promise((resolve) => setTimeout(resolve, 50));
  return smtp.waitFor(email, subject);
}

/** A pending challenge: no cookie the client holds opens anything. */
async function expectChallengeOnly(client: KeywayClient) {
  expect((await trpcError(client.api.me.get.query())).data?.httpStatus).toBe(401);
  const cookie = await cookieOf(client, server);
  expect(cookie).toMatch(/two_factor=/);
  expect(await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()).toEqual({ success: true, data: null });
}

/** The code finishes the sign-in as after a password. */
async function finishWithTotp(client: KeywayClient, trustDevice = false) {
  const verified = await client.auth.twoFactor.verifyTotp({ code: totp.generate(), trustDevice });
  expect(verified.error).toBeNull();
  expect(await client.api.me.get.query()).toMatchObject({ email });
}

async function signInByEmailOtp(client: KeywayClient) {
  const before = smtp.count(email);
  expect((await client.auth.emailOtp.sendVerificationOtp({ email, type: "sign-in" })).error).toBeNull();
  const mail = await nextMail(/code/i, before);
  return client.auth.signIn.emailOtp({ email, otp: codeIn(mail) });
}

describe("with two-factor on, every way in asks for the second factor", () => {
  it("email OTP sign-in answers the challenge, and the TOTP code completes it", async () => {
    const client = newClient(server);
    const answer = await signInByEmailOtp(client);
    expect(answer.data).toMatchObject({ twoFactorRedirect: true });
    await expectChallengeOnly(client);
    await finishWithTotp(client);
  });

  it("GitHub PAT sign-in answers the challenge, and the TOTP code completes it", async () => {
    const client = newClient(server);
    const answer = await client.auth.patSignIn({ pat: PAT });
    expect(answer.data).toMatchObject({ twoFactorRedirect: true });
    await expectChallengeOnly(client);
    await finishWithTotp(client);
  });

  it("a magic link redirects to the web app's two-factor page with no session, and the code completes it", async () => {
    const client = newClient(server);
    const before = smtp.count(email);
    expect((await client.auth.signIn.magicLink({ email, callbackURL: "/projects" })).error).toBeNull();
    // The mailed link is a confirm page (token in the fragment) whose form POSTs back to it.
    const link = new URL(linkIn(await nextMail(/sign/i, before)));
    const token = decodeURIComponent(link.hash.slice(1));
    link.hash = "";
    const opened = await fetch(link, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/json", origin: server.url, "sec-fetch-site": "same-origin" },
      body: JSON.stringify({ token, callbackURL: "/projects" }),
    });
    expect(opened.status).toBe(302);
    const location = new URL(opened.headers.get("location")!);
    expect(location.pathname).toBe("/two-factor");
    expect(location.searchParams.get("returnTo")).toBe("/projects");
    for (const cookie of opened.headers.getSetCookie()) await client.cookieJar!.setCookie(cookie, server.url);
    await expectChallengeOnly(client);
    await finishWithTotp(client);
  });

  it("the email-verification link verifies the address and opens no session, second factor or not", async () => {
    const unverified = uniqueEmail("unverified");
    const client = newClient(server);
    expect((await client.auth.signUp.email({ email: unverified, password: PASSWORD, name: "Unverified" })).error).toBeNull();
    const link = linkIn(await smtp.waitFor(unverified, /Confirm your email/));
    const enabled = await client.auth.twoFactor.enable({ password: PASSWORD });
    if (enabled.data?.method !== "totp") throw new Error("expected a TOTP enrolment");
    const theirs = OTPAuth.URI.parse(enabled.data.totpURI) as OTPAuth.TOTP;
    expect((await client.auth.twoFactor.verifyTotp({ code: theirs.generate() })).error).toBeNull();

    const browser = newClient(server);
    const opened = await fetch(link, { redirect: "manual" });
    expect(opened.status).toBe(302);
    expect(opened.headers.getSetCookie().join("; ")).not.toContain("session_token=");
    for (const cookie of opened.headers.getSetCookie()) await browser.cookieJar!.setCookie(cookie, server.url);
    expect((await trpcError(browser.api.me.get.query())).data?.httpStatus).toBe(401);
    // Signing in afterwards asks for the second factor as usual.
    expect((await browser.auth.signIn.email({ email: unverified, password: PASSWORD })).data).toMatchObject({ twoFactorRedirect: true });
    expect((await browser.auth.twoFactor.verifyTotp({ code: theirs.generate() })).error).toBeNull();
    expect(await browser.api.me.get.query()).toMatchObject({ email: unverified, emailVerified: true });
  });

  it("a trusted device skips the challenge", async () => {
    const client = newClient(server);
    expect((await signInByEmailOtp(client)).data).toMatchObject({ twoFactorRedirect: true });
    await finishWithTotp(client, true);
    await client.auth.signOut();
    const again = await signInByEmailOtp(client);
    expect(again.data).not.toHaveProperty("twoFactorRedirect");
    expect(await client.api.me.get.query()).toMatchObject({ email });
  });
});

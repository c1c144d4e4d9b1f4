import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KeywayClient } from "../sdk/src/index.js";
import { cookieOf, newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { codeIn, linkIn, startSmtpServer } from "./helpers/smtp.js";
import { trpcError } from "./helpers/trpc.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  // Cookie cache on (the default): the second-factor gate must hold with it too.
  server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "true", SESSION_COOKIE_CACHE: "true" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

async function userWithTwoFactor(label: string) {
  const client = newClient(server);
  const email = uniqueEmail(label);
  await client.auth.signUp.email({ email, password: PASSWORD, name: label });
  await fetch(linkIn(await smtp.waitFor(email, /Confirm your email/)), { redirect: "manual" });
  await client.auth.signIn.email({ email, password: PASSWORD });

  const enabled = await client.auth.twoFactor.enable({ password: PASSWORD });
  expect(enabled.error).toBeNull();
  if (enabled.data?.method !== "totp") throw new Error("expected a TOTP enrolment");
  const { totpURI, backupCodes } = enabled.data;
  expect(totpURI).toMatch(/^otpauth:\/\/totp\/keyway:/);
  expect(backupCodes).toHaveLength(10);
  const totp = OTPAuth.URI.parse(totpURI) as OTPAuth.TOTP;
  expect((await client.auth.twoFactor.verifyTotp({ code: totp.generate() })).error).toBeNull();
  return { client, email, totp, backupCodes };
}

/** First factor only: what a 2FA user has after the password. */
async function firstFactor(email: string, client: KeywayClient = newClient(server)) {
  const result = await client.auth.signIn.email({ email, password: PASSWORD });
  expect(result.error).toBeNull();
  expect(result.data).toMatchObject({ twoFactorRedirect: true });
  return client;
}

async function expectNothingProtected(client: KeywayClient) {
  expect((await trpcError(client.api.me.get.query())).data?.httpStatus).toBe(401);
  expect(await client.api.session.get.query()).toBeNull();
  const cookie = await cookieOf(client, server);
  expect(await (await fetch(`${server.url}/api/session`, { headers: { cookie } })).json()).toEqual({ success: true, data: null });
  expect(await (await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } })).json()).toBeNull();
  expect((await fetch(`${server.url}/api/auth/list-sessions`, { headers: { cookie } })).status).toBe(401);
}

describe("two-factor authentication", () => {
  it("after the password, nothing protected is reachable until a TOTP code is given", async () => {
    const { email, totp } = await userWithTwoFactor("totp");
    const client = await firstFactor(email);
    await expectNothingProtected(client);
    expect((await client.auth.twoFactor.verifyTotp({ code: "000000" === totp.generate() ? "111111" : "000000" })).error).not.toBeNull();
    await expectNothingProtected(client);
    const next = totp.generate({ timestamp: Date.now() + 30_000 });
    expect((await client.auth.twoFactor.verifyTotp({ code: next })).error).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);
  });

  it("accepts each backup code once", async () => {
    const { email, backupCodes } = await userWithTwoFactor("backup");
    const first = await firstFactor(email);
    expect((await first.auth.twoFactor.verifyBackupCode({ code: backupCodes[0]! })).error).toBeNull();
    expect((await first.api.me.get.query()).email).toBe(email);

    const second = await firstFactor(email);
    expect((await second.auth.twoFactor.verifyBackupCode({ code: backupCodes[0]! })).error).not.toBeNull();
    await expectNothingProtected(second);
  });

  it("sends a code by email as the second factor", async () => {
    const { email } = await userWithTwoFactor("mailotp");
    const client = await firstFactor(email);
    expect((await client.auth.twoFactor.sendOtp()).error).toBeNull();
    const code = codeIn(await smtp.waitFor(email, /sign-in code/));
    expect((await client.auth.twoFactor.verifyOtp({ code })).error).toBeNull();
    expect((await client.api.me.get.query()).email).toBe(email);
  });

  it("skips the second factor on a trusted device only", async () => {
    const { email, totp } = await userWithTwoFactor("trusted");
    const device = await firstFactor(email);
    expect((await device.auth.twoFactor.verifyTotp({ code: totp.generate({ timestamp: Date.now() + 30_000 }), trustDevice: true })).error).toBeNull();
    await device.auth.signOut();
    const again = await device.auth.signIn.email({ email, password: PASSWORD });
    expect(again.data).not.toMatchObject({ twoFactorRedirect: true });
    expect((await device.api.me.get.query()).email).toBe(email);

    await firstFactor(email); // another device still needs the second factor
  });

  it("can be turned off with the password", async () => {
    const { client, email } = await userWithTwoFactor("disable");
    expect((await client.auth.twoFactor.disable({ password: PASSWORD })).error).toBeNull();
    const plain = newClient(server);
    const signIn = await plain.auth.signIn.email({ email, password: PASSWORD });
    expect(signIn.data).not.toMatchObject({ twoFactorRedirect: true });
    expect((await plain.api.me.get.query()).email).toBe(email);
  });
});

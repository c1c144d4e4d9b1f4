import { randomInt } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import * as OTPAuth from "otpauth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user } from "../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startTwilio } from "./helpers/provider-stand-ins.js";
import { startServer, type TestServer } from "./helpers/server.js";

const SID = "AC00000000000000000000000000000001";
const TOKEN = "twilio-auth-token-for-tests";
const FROM = "+15005550006";

let twilio: Awaited<ReturnType<typeof startTwilio>>;
let server: TestServer;
beforeAll(async () => {
  twilio = await startTwilio({ accountSid: SID, authToken: TOKEN });
  server = await startServer({
    TWILIO_ACCOUNT_SID: SID,
    TWILIO_AUTH_TOKEN: TOKEN,
    TWILIO_FROM: FROM,
    TWILIO_API_URL: twilio.url,
    LOCKOUT_MAX_FAILURES: "5",
  });
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

const newNumber = () => `+1415555${String(randomInt(10_000)).padStart(4, "0")}`;

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${server.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  const json = response.headers.get("content-type")?.includes("json") && text ? (JSON.parse(text) as Record<string, unknown>) : null;
  return { status: response.status, body: json, cookies: response.headers.getSetCookie() };
}

const sessionCookie = (cookies: string[]) => cookies.some((cookie) => /session_token=[^;]+/.test(cookie) && !/Max-Age=0/i.test(cookie));

/** A signed-up account that has proven `phoneNumber` by SMS. */
async function accountWithPhone(label: string) {
  const account = await signedUpClient(server, label);
  const cookie = await cookieOf(account.client, server);
  const phoneNumber = newNumber();
  expect((await post("/phone-number/send-otp", { phoneNumber }, { cookie })).status).toBe(200);
  const verified = await post("/phone-number/verify", { phoneNumber, code: twilio.lastCodeTo(phoneNumber), updatePhoneNumber: true }, { cookie });
  expect(verified.status).toBe(200);
  return { ...account, cookie, phoneNumber };
}

async function makeAdmin(id: string) {
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, id));
}

describe("phone numbers", () => {
  it("sends the code through Twilio's Messages API and attaches the proven number to the account", async () => {
    const { userId, phoneNumber } = await accountWithPhone("attach");
    const sent = twilio.messages.findLast((message) => message.to === phoneNumber)!;
    expect(sent).toMatchObject({ accountSid: SID, from: FROM, authorization: `Basic ${Buffer.from(`${SID}:${TOKEN}`).toString("base64")}` });
    expect(sent.body).toMatch(/^\d{6} is your keyway code\. It expires in 5 minutes\.$/);
    const [row] = await server.database.db.select({ phoneNumber: user.phoneNumber, verified: user.phoneNumberVerified }).from(user).where(eq(user.id, userId));
    expect(row).toEqual({ phoneNumber, verified: true });
  });

  it("accepts only E.164 numbers, and sends nothing for the others", async () => {
    const before = twilio.state.requests;
    for (const phoneNumber of ["+1 415 555 2671", "4155552671", "+1415", "+999123456", "not a number", "+14155552671\n"]) {
      const answer = await post("/phone-number/send-otp", { phoneNumber });
      expect([phoneNumber, answer.status, answer.body?.code]).toEqual([phoneNumber, 400, "INVALID_PHONE_NUMBER"]);
    }
    expect(twilio.state.requests).toBe(before);
  });

  it("signs in by SMS code; a code works once", async () => {
    const { email, phoneNumber } = await accountWithPhone("signin");
    expect((await post("/phone-number/send-otp", { phoneNumber })).body).toEqual({ message: "code sent" });
    const code = twilio.lastCodeTo(phoneNumber);
    const signedIn = await post("/phone-number/verify", { phoneNumber, code });
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ status: true, user: { email, phoneNumber, phoneNumberVerified: true } });
    const cookie = signedIn.cookies.map((line) => line.split(";")[0]).join("; ");
    const me = await fetch(`${server.url}/api/me`, { headers: { cookie } });
    expect((await me.json()).data.email).toBe(email);
    const again = await post("/phone-number/verify", { phoneNumber, code });
    expect([again.status, again.body?.code, sessionCookie(again.cookies)]).toEqual([400, "OTP_NOT_FOUND", false]);
  });

  it("answers a code request for an unknown number exactly as for a known one", async () => {
    const { phoneNumber } = await accountWithPhone("known");
    const known = await post("/phone-number/send-otp", { phoneNumber });
    const unknown = await post("/phone-number/send-otp", { phoneNumber: newNumber() });
    expect(unknown).toEqual(known);
    expect(known.status).toBe(200);
  });

  it("a right code for a number no account has opens no session and says so (not a 500), after three wrong ones nothing", async () => {
    const phoneNumber = newNumber();
    await post("/phone-number/send-otp", { phoneNumber });
    const code = twilio.lastCodeTo(phoneNumber);
    const answer = await post("/phone-number/verify", { phoneNumber, code });
    expect([answer.status, answer.body?.code, sessionCookie(answer.cookies)]).toEqual([401, "PHONE_NUMBER_NOT_REGISTERED", false]);
    expect((await post("/phone-number/verify", { phoneNumber, code })).body?.code).toBe("OTP_NOT_FOUND");

    await post("/phone-number/send-otp", { phoneNumber });
    const next = twilio.lastCodeTo(phoneNumber);
    const wrong = next === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) expect((await post("/phone-number/verify", { phoneNumber, code: wrong })).body?.code).toBe("INVALID_OTP");
    expect((await post("/phone-number/verify", { phoneNumber, code: next })).body?.code).toBe("TOO_MANY_ATTEMPTS");
    expect(await server.database.db.select().from(user).where(eq(user.phoneNumber, phoneNumber))).toEqual([]);
  });

  it("allows three guesses per code, and counts wrong codes against the account across re-sends", async () => {
    const { phoneNumber } = await accountWithPhone("guesses");
    await post("/phone-number/send-otp", { phoneNumber });
    const code = twilio.lastCodeTo(phoneNumber);
    const wrong = code === "000000" ? "111111" : "000000";
    for (let i = 0; i < 3; i++) expect((await post("/phone-number/verify", { phoneNumber, code: wrong })).body?.code).toBe("INVALID_OTP");
    expect((await post("/phone-number/verify", { phoneNumber, code })).body?.code).toBe("TOO_MANY_ATTEMPTS");

    // A new code does not reset the account's budget (5): two more wrong guesses spend it.
    await post("/phone-number/send-otp", { phoneNumber });
    const fresh = twilio.lastCodeTo(phoneNumber);
    const other = fresh === "000000" ? "111111" : "000000";
    expect((await post("/phone-number/verify", { phoneNumber, code: other })).body?.code).toBe("INVALID_OTP");
    expect((await post("/phone-number/verify", { phoneNumber, code: other })).body?.code).toBe("INVALID_OTP");
    const locked = await post("/phone-number/verify", { phoneNumber, code: fresh });
    expect([locked.status, locked.body?.code, sessionCookie(locked.cookies)]).toEqual([429, "ACCOUNT_TEMPORARILY_LOCKED", false]);
  });

  it("asks a user with two-factor for the second factor after the SMS code, and opens no session", async () => {
    const { client, phoneNumber } = await accountWithPhone("twofactor");
    const enabled = await client.auth.twoFactor.enable({ password: PASSWORD });
    if (enabled.data?.method !== "totp") throw new Error("expected a TOTP enrolment");
    const totp = OTPAuth.URI.parse(enabled.data.totpURI) as OTPAuth.TOTP;
    expect((await client.auth.twoFactor.verifyTotp({ code: totp.generate() })).error).toBeNull();

    await post("/phone-number/send-otp", { phoneNumber });
    const answer = await post("/phone-number/verify", { phoneNumber, code: twilio.lastCodeTo(phoneNumber) });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ twoFactorRedirect: true, twoFactorMethods: ["totp", "otp"] });
    expect(sessionCookie(answer.cookies)).toBe(false);
    const cookie = answer.cookies.map((line) => line.split(";")[0]).join("; ");
    expect((await fetch(`${server.url}/api/me`, { headers: { cookie } })).status).toBe(401);
  });

  it("opens no session for a banned user", async () => {
    const { userId, phoneNumber } = await accountWithPhone("banned");
    await server.database.db.update(user).set({ banned: true }).where(eq(user.id, userId));
    await post("/phone-number/send-otp", { phoneNumber });
    const answer = await post("/phone-number/verify", { phoneNumber, code: twilio.lastCodeTo(phoneNumber) });
    expect([answer.status, answer.body?.code, sessionCookie(answer.cookies)]).toEqual([403, "BANNED_USER", false]);
  });

  it("a pending SMS code dies when the password changes", async () => {
    const { client, phoneNumber } = await accountWithPhone("secrets");
    await post("/phone-number/send-otp", { phoneNumber });
    const code = twilio.lastCodeTo(phoneNumber);
    expect((await client.auth.changePassword({ currentPassword: PASSWORD, newPassword: "another long passphrase" })).error).toBeNull();
    const answer = await post("/phone-number/verify", { phoneNumber, code });
    expect([answer.status, answer.body?.code]).toEqual([400, "OTP_NOT_FOUND"]);
  });

  it("changing the number is refused to an impersonation, an API key and a stale session", async () => {
    const admin = await signedUpClient(server, "admin");
    await makeAdmin(admin.userId);
    const target = await accountWithPhone("target");
    await admin.client.api.admin.users.impersonate.mutate({ userId: target.userId });
    const impersonation = await cookieOf(admin.client, server);
    const { key } = await target.client.api.apiKeys.create.mutate({ name: "phone" });

    const phoneNumber = newNumber();
    await post("/phone-number/send-otp", { phoneNumber }, { cookie: impersonation });
    const code = twilio.lastCodeTo(phoneNumber);
    const change = { phoneNumber, code, updatePhoneNumber: true };
    expect((await post("/phone-number/verify", change, { cookie: impersonation })).body?.code).toBe("IMPERSONATION_SESSION");
    expect((await post("/update-user", { phoneNumber: null }, { cookie: impersonation })).body?.code).toBe("IMPERSONATION_SESSION");
    expect((await post("/phone-number/verify", change, { "x-api-key": key })).body?.code).toBe("API_KEY_NOT_ALLOWED");

    await server.database.db.update(session).set({ createdAt: sql`now() - interval '2 hours'` }).where(eq(session.userId, target.userId));
    expect((await post("/phone-number/verify", change, { cookie: target.cookie })).body?.code).toBe("SESSION_NOT_FRESH");
    expect((await post("/update-user", { phoneNumber: null }, { cookie: target.cookie })).body?.code).toBe("SESSION_NOT_FRESH");

    const [row] = await server.database.db.select({ phoneNumber: user.phoneNumber }).from(user).where(eq(user.id, target.userId));
    expect(row?.phoneNumber).toBe(target.phoneNumber);
  });

  it("does not offer a password reset by SMS", async () => {
    const { phoneNumber } = await accountWithPhone("reset");
    const before = twilio.state.requests;
    expect((await post("/phone-number/request-password-reset", { phoneNumber })).status).toBe(404);
    expect((await post("/phone-number/reset-password", { phoneNumber, otp: "123456", newPassword: "a new long password" })).status).toBe(404);
    expect(twilio.state.requests).toBe(before);
  });

  it("answers 503 when Twilio fails, never 'code sent'", async () => {
    twilio.state.mode = "down";
    try {
      const answer = await post("/phone-number/send-otp", { phoneNumber: newNumber() });
      expect([answer.status, answer.body]).toMatchObject([503, { code: "SERVICE_UNAVAILABLE" }]);
    } finally {
      twilio.state.mode = "up";
    }
    const line = server.logs().findLast((entry) => entry.msg === "sms not sent: Twilio refused it");
    expect(line).toMatchObject({ status: 503, twilioCode: 20503 });
  });

  it("never writes a code to a log line", () => {
    const logs = JSON.stringify(server.logs());
    const codes = twilio.messages.map((message) => /\d{6}/.exec(message.body)![0]);
    expect(codes.length).toBeGreaterThan(10);
    for (const code of codes) expect(logs).not.toContain(code);
  });
});

describe("phone numbers without an SMS provider (development)", () => {
  it("keeps the code in the development outbox, and logs that it did without the code", async () => {
    const dev = await startServer({ NODE_ENV: "development" });
    try {
      const phoneNumber = newNumber();
      expect((await fetch(`${dev.url}/api/auth-config`).then((r) => r.json())).phone).toBe(true);
      const sent = await fetch(`${dev.url}/api/auth/phone-number/send-otp`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: dev.url },
        body: JSON.stringify({ phoneNumber }),
      });
      expect(sent.status).toBe(200);
      const { messages } = (await (await fetch(`${dev.url}/api/dev/sms-outbox?to=${encodeURIComponent(phoneNumber)}`)).json()) as { messages: { to: string; body: string }[] };
      expect(messages).toHaveLength(1);
      expect(messages[0]!.to).toBe(phoneNumber);
      const code = /\d{6}/.exec(messages[0]!.body)![0];
      expect(dev.logs().some((line) => line.msg === "sms kept in the development outbox")).toBe(true);
      expect(JSON.stringify(dev.logs())).not.toContain(code);
    } finally {
      await dev.close();
    }
  });
});

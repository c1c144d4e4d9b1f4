import { randomInt } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeywayRequestError } from "../sdk/src/errors.js";
import type { Session } from "../sdk/src/index.js";
import { newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startTwilio } from "./helpers/provider-stand-ins.js";
import { startServer, type TestServer } from "./helpers/server.js";

const SID = "AC00000000000000000000000000000002";
const TOKEN = "twilio-auth-token-for-sdk-tests";

let twilio: Awaited<ReturnType<typeof startTwilio>>;
let server: TestServer;
beforeAll(async () => {
  twilio = await startTwilio({ accountSid: SID, authToken: TOKEN });
  server = await startServer({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: "+15005550006", TWILIO_API_URL: twilio.url });
});
afterAll(async () => {
  await server?.close();
  await twilio?.close();
});

const newNumber = () => `+1415555${String(randomInt(10_000)).padStart(4, "0")}`;

/** A signed-up account that attached `phoneNumber` through the SDK, proving it by SMS. */
async function accountWithPhone(label: string) {
  const account = await signedUpClient(server, label);
  const phoneNumber = newNumber();
  expect(await account.client.auth.phoneNumber.sendOtp({ phoneNumber })).toEqual({ data: { message: "code sent" }, error: null });
  const attached = await account.client.auth.phoneNumber.verify({ phoneNumber, code: twilio.lastCodeTo(phoneNumber), updatePhoneNumber: true });
  expect(attached.error).toBeNull();
  expect(attached.data?.user).toMatchObject({ email: account.email, phoneNumber, phoneNumberVerified: true });
  return { ...account, phoneNumber };
}

describe("phone numbers through the SDK", () => {
  it("signs in by SMS code, and tells the session listener", async () => {
    const { email, phoneNumber } = await accountWithPhone("sdk-phone");
    const client = newClient(server);
    const seen: Array<Session | null> = [];
    client.onSessionChange((session) => seen.push(session));

    expect((await client.auth.phoneNumber.sendOtp({ phoneNumber })).error).toBeNull();
    const signedIn = await client.auth.phoneNumber.verify({ phoneNumber, code: twilio.lastCodeTo(phoneNumber) });
    expect(signedIn.error).toBeNull();
    expect(signedIn.data).toMatchObject({ status: true, user: { email, phoneNumber } });
    expect((await client.api.me.get.query()).email).toBe(email);
    expect(seen.map((session) => session?.user.email ?? null)).toEqual([null, email]); // after the code was sent, after it was typed
  });

  it("answers a wrong code with a KeywayError carrying the server's code, and opens no session", async () => {
    const { phoneNumber } = await accountWithPhone("sdk-phone-wrong");
    const client = newClient(server);
    await client.auth.phoneNumber.sendOtp({ phoneNumber });
    const code = twilio.lastCodeTo(phoneNumber);
    const { data, error } = await client.auth.phoneNumber.verify({ phoneNumber, code: code === "000000" ? "111111" : "000000" });
    expect(data).toBeNull();
    expect(error).toBeInstanceOf(KeywayRequestError);
    expect(error).toMatchObject({ code: "INVALID_OTP", status: 400, message: "Invalid OTP" });
    expect(await client.getSession()).toBeNull();
  });

  it("refuses a malformed number with INVALID_PHONE_NUMBER and sends nothing", async () => {
    const before = twilio.state.requests;
    const { error } = await newClient(server).auth.phoneNumber.sendOtp({ phoneNumber: "+1 415 555 2671" });
    expect(error).toMatchObject({ code: "INVALID_PHONE_NUMBER", status: 400 });
    expect(twilio.state.requests).toBe(before);
  });

  it("signs in with a proven number and the password", async () => {
    const { email, phoneNumber } = await accountWithPhone("sdk-phone-password");
    const client = newClient(server);
    const { data, error } = await client.auth.signIn.phoneNumber({ phoneNumber, password: PASSWORD });
    expect(error).toBeNull();
    expect(data?.user?.email).toBe(email);
    expect((await client.getSession())?.user.email).toBe(email);
  });
});

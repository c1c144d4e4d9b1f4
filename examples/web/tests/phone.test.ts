import { randomInt } from "node:crypto";
import { createClient } from "@keyway/sdk";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTwilio } from "../../../tests/helpers/provider-stand-ins.js";
import { heading, PASSWORD, uniqueEmail } from "./helpers/app.js";
import { launchChromium } from "./helpers/browser.js";
import { type LocalhostStack, startLocalhostStack } from "./helpers/localhost-stack.js";

// Sign-in by SMS code in a real Chromium: the API sends codes through Twilio's REST API, here a
// local stand-in the test reads them from.

const SID = "AC00000000000000000000000000000003";
const TOKEN = "twilio-auth-token-for-web-tests";

let twilio: Awaited<ReturnType<typeof startTwilio>>;
let stack: LocalhostStack;
let browser: Browser;
beforeAll(async () => {
  twilio = await startTwilio({ accountSid: SID, authToken: TOKEN });
  stack = await startLocalhostStack({ TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: TOKEN, TWILIO_FROM: "+15005550006", TWILIO_API_URL: twilio.url });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await twilio?.close();
});

/** An account with a proven number, made through the API with the SDK. */
async function accountWithPhone(name: string) {
  const client = createClient({ baseUrl: stack.apiUrl });
  const email = uniqueEmail(name.toLowerCase());
  const signedUp = await client.auth.signUp.email({ email, password: PASSWORD, name });
  if (signedUp.error) throw new Error(`sign-up failed: ${signedUp.error.message}`);
  const phoneNumber = `+1415555${String(randomInt(10_000)).padStart(4, "0")}`;
  expect((await client.auth.phoneNumber.sendOtp({ phoneNumber })).error).toBeNull();
  expect((await client.auth.phoneNumber.verify({ phoneNumber, code: twilio.lastCodeTo(phoneNumber), updatePhoneNumber: true })).error).toBeNull();
  return { email, phoneNumber };
}

/** A new browser profile on the sign-in page, after asking for a code for `phoneNumber`. */
async function codeRequested(phoneNumber: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByText("Sign in without a password").click();
  const sentBefore = twilio.messages.length;
  await page.getByLabel("Phone number (with country code, e.g. +14155550123)").fill(phoneNumber);
  await page.getByRole("button", { name: "Text me a code" }).click();
  await page.getByRole("status").filter({ hasText: `A 6-digit code is on its way to ${phoneNumber}.` }).waitFor();
  expect(twilio.messages.slice(sentBefore).map((message) => message.to)).toEqual([phoneNumber]);
  return page;
}

describe("signing in by SMS code in the browser", () => {
  it("signs in with the texted code and lands on the dashboard", async () => {
    const { email, phoneNumber } = await accountWithPhone("Hedy");
    const page = await codeRequested(phoneNumber);
    // The phone form shows once GET /api/auth-config has answered; this API configures no provider, so no provider button.
    expect(await page.getByRole("button", { name: /^Continue with/ }).count()).toBe(0);
    const form = page.getByRole("form", { name: "Sign in with the texted code" });
    await form.getByLabel("Code from the text message").fill(twilio.lastCodeTo(phoneNumber));
    await form.getByRole("button", { name: "Sign in with the code" }).click();
    await heading(page, "Welcome, Hedy").waitFor();
    expect(await page.getByText(email).first().isVisible()).toBe(true);
    await page.context().close();
  });

  it("shows a wrong code's error in plain words next to the code field, and stays signed out", async () => {
    const { phoneNumber } = await accountWithPhone("Grace");
    const page = await codeRequested(phoneNumber);
    const code = twilio.lastCodeTo(phoneNumber);
    const form = page.getByRole("form", { name: "Sign in with the texted code" });
    const field = form.getByLabel("Code from the text message");
    await field.fill(code === "000000" ? "111111" : "000000");
    await form.getByRole("button", { name: "Sign in with the code" }).click();
    await page.getByText("That code is not right. Check the message and type it again.").waitFor();
    expect(await page.getByRole("alert").textContent()).toBe("Some fields need attention: see the messages next to them.");
    expect(await field.getAttribute("aria-invalid")).toBe("true");
    const describedBy = await field.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toBe("That code is not right. Check the message and type it again.");
    await heading(page, "Sign in").waitFor();
    await page.context().close();
  });
});

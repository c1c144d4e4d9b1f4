import * as OTPAuth from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillSignIn, heading, PASSWORD, signOut, signUp, nav } from "./helpers/app.js";
import { launchChromium, newContext, screenshot } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("two-factor authentication in the browser", () => {
  it("is set up on the account page, then asked for after the password at the next sign-in", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = await signUp(page, "Noether");

    await nav(page, "Account").click();
    await page.getByLabel("Password to set up two-factor").fill(PASSWORD);
    await page.getByRole("button", { name: "Set up two-factor" }).click();
    const uri = (await page.getByLabel("Authenticator setup URI").textContent()) ?? "";
    expect(uri).toMatch(/^otpauth:\/\/totp\//);
    expect(await page.getByRole("list", { name: "Backup codes" }).getByRole("listitem").count()).toBe(10);
    const totp = OTPAuth.URI.parse(uri) as OTPAuth.TOTP;
    await screenshot(page, "05-two-factor-setup");

    // A wrong code is refused next to the field; the right one turns it on.
    await page.getByLabel("Code from your authenticator app").fill(totp.generate() === "000000" ? "111111" : "000000");
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByRole("alert").waitFor();
    await page.getByLabel("Code from your authenticator app").fill(totp.generate());
    await page.getByRole("button", { name: "Turn on two-factor" }).click();
    await page.getByText("Two-factor authentication is on.").waitFor();
    // The account now says so, and offers to turn it off instead of setting it up.
    await page.getByText("Signing in asks for a code from your authenticator app after your password.").waitFor();
    expect(await page.getByRole("button", { name: "Set up two-factor" }).count()).toBe(0);
    await page.reload();
    await page.getByRole("button", { name: "Turn off two-factor" }).waitFor();

    await signOut(page);
    await fillSignIn(page, email);
    await heading(page, "Two-factor authentication").waitFor();
    expect(new URL(page.url()).pathname).toBe("/two-factor");
    // Nothing is signed in between the two steps.
    expect((await context.cookies()).some((cookie) => cookie.name.endsWith("session_token"))).toBe(false);
    await screenshot(page, "06-two-factor-step");

    // The next period's code: the one used to confirm the set-up may not be used twice.
    await page.getByLabel("Code from your authenticator app").fill(totp.generate({ timestamp: Date.now() + 30_000 }));
    await page.getByRole("button", { name: "Verify" }).click();
    await heading(page, "Welcome, Noether").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");

    await nav(page, "Security events").click();
    await page.getByRole("cell", { name: "Second factor verified" }).first().waitFor();
    expect(await page.getByRole("cell", { name: "Two-factor authentication turned on" }).count()).toBe(1);
    await context.close();
  });
});

import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heading, signIn, signUp, nav } from "./helpers/app.js";
import { launchChromium, newContext, screenshot } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the account screens", () => {
  it("edits the profile and settings, with the API's field errors next to the fields", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUp(page, "Curie");
    await nav(page, "Account").click();
    await heading(page, "Account").waitFor();

    await page.getByLabel("Name", { exact: true }).fill("Marie Curie");
    await page.getByRole("button", { name: "Save profile" }).click();
    await page.getByText("Profile saved.").waitFor();

    const timeZone = page.getByLabel("Time zone");
    await timeZone.fill("Mars/Olympus_Mons");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Must be an IANA time zone such as Europe/Paris").waitFor();
    expect(await timeZone.getAttribute("aria-invalid")).toBe("true");
    await screenshot(page, "07-account");

    await timeZone.fill("Europe/Paris");
    await page.getByLabel("Theme").selectOption("dark");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    await page.reload();
    expect(await page.getByLabel("Time zone").inputValue()).toBe("Europe/Paris");
    expect(await page.getByLabel("Theme").inputValue()).toBe("dark");

    await nav(page, "Dashboard").click();
    await heading(page, "Welcome, Marie Curie").waitFor();
    await context.close();
  });

  it("lists the sessions, revokes another device's (seen there on its next navigation), and shows security events", async () => {
    const laptop = await newContext(browser);
    const phone = await newContext(browser);
    const laptopPage = await laptop.newPage();
    const email = await signUp(laptopPage, "Franklin");
    const phonePage = await phone.newPage();
    await signIn(phonePage, email, "Franklin");

    await nav(laptopPage, "Sessions").click();
    await heading(laptopPage, "Active sessions").waitFor();
    await laptopPage.getByText("2 sessions").waitFor();
    expect(await laptopPage.getByText("(this device)").count()).toBe(1);
    await screenshot(laptopPage, "08-sessions");

    await laptopPage.getByRole("button", { name: /^Revoke the session/ }).click();
    await laptopPage.getByText("1 session", { exact: true }).waitFor();

    await nav(phonePage, "Account").click();
    await phonePage.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("returnTo") === "/account");

    await nav(laptopPage, "Security events").click();
    await heading(laptopPage, "Security events").waitFor();
    await laptopPage.getByRole("cell", { name: "Account created" }).waitFor();
    expect(await laptopPage.getByRole("cell", { name: "Signed in" }).count()).toBeGreaterThanOrEqual(1);
    await laptopPage.getByRole("cell", { name: "Session revoked" }).waitFor();
    await screenshot(laptopPage, "09-security-events");

    // Sign out everywhere: this device too.
    await nav(laptopPage, "Sessions").click();
    await laptopPage.getByRole("button", { name: "Sign out everywhere" }).click();
    await heading(laptopPage, "Sign in").waitFor();
    await laptopPage.goto("/account/sessions");
    await laptopPage.waitForURL((url) => url.pathname === "/login");
    await laptop.close();
    await phone.close();
  });

  it("creates an API key (shown once), lists it by its start, and deletes it", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUp(page, "Hamilton");
    await nav(page, "API keys").click();
    await page.getByText("No API keys yet.").waitFor();

    await page.getByLabel("Key name").fill("ci");
    await page.getByLabel("Expires in (days)").fill("9999");
    await page.getByRole("button", { name: "Create key" }).click();
    const expiry = page.getByLabel("Expires in (days)");
    await page.getByText("Too big: expected number to be <=365").waitFor();
    expect(await page.locator(`[id="${await expiry.getAttribute("aria-describedby")}"]`).textContent()).toContain("Too big");
    expect(await expiry.getAttribute("aria-invalid")).toBe("true");

    await expiry.fill("30");
    await page.getByRole("button", { name: "Create key" }).click();
    const key = (await page.getByLabel("New API key").textContent()) ?? "";
    expect(key).toMatch(/^kw_/);
    await page.getByRole("cell", { name: "ci", exact: true }).waitFor();
    await screenshot(page, "10-api-keys");

    // The key works on its own, as a script would use it.
    const { apiUrl } = (await import("./helpers/browser.js")).stack();
    const me = await fetch(`${apiUrl}/trpc/me.get`, { headers: { "x-api-key": key } });
    expect(me.status).toBe(200);

    await page.getByRole("button", { name: "Delete key ci" }).click();
    await page.getByText("No API keys yet.").waitFor();
    expect((await fetch(`${apiUrl}/trpc/me.get`, { headers: { "x-api-key": key } })).status).toBe(401);
    await context.close();
  });
});

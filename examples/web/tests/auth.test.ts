import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillSignIn, fillSignUp, heading, PASSWORD, signOut, signUp, uniqueEmail, nav } from "./helpers/app.js";
import { launchChromium, newContext, screenshot } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("signing up and in, in a real browser on another origin than the API", () => {
  it("guards a page (checking, then /login?returnTo=…), signs up with field errors, and returns to the page", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();

    // Hold the session check so the guard's first state can be seen.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const sessionCheck = /\/trpc\/[^?]*session\.get/;
    await page.route(sessionCheck, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto("/account/api-keys");
    await page.getByRole("status").filter({ hasText: "Checking your session…" }).waitFor();
    await screenshot(page, "01-guard-checking");
    release();
    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("returnTo") === "/account/api-keys");
    await page.unroute(sessionCheck);
    await heading(page, "Sign in").waitFor();
    // The stack's API configures GitHub alone: its button, and no other provider's.
    await page.getByRole("button", { name: "Continue with GitHub" }).waitFor();
    expect(await page.getByRole("button", { name: /^Continue with/ }).allTextContents()).toEqual(["Continue with GitHub"]);
    await screenshot(page, "02-login");

    await page.getByRole("link", { name: "Create an account" }).click();
    await heading(page, "Create an account").waitFor();
    expect(new URL(page.url()).searchParams.get("returnTo")).toBe("/account/api-keys");

    // The API's refusal shows next to the field it is about.
    const email = uniqueEmail("grace");
    await fillSignUp(page, "Grace", email, "short");
    const password = page.getByLabel("Password", { exact: true });
    await page.getByText("The password must have at least 8 characters.").waitFor();
    expect(await page.getByRole("alert").textContent()).toBe("Some fields need attention: see the messages next to them.");
    expect(await password.getAttribute("aria-invalid")).toBe("true");
    const describedBy = await password.getAttribute("aria-describedby");
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain("at least 8 characters");
    await screenshot(page, "03-sign-up-field-error");

    await password.fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await heading(page, "API keys").waitFor();
    expect(new URL(page.url()).pathname).toBe("/account/api-keys");

    await nav(page, "Dashboard").click();
    await heading(page, "Welcome, Grace").waitFor();
    expect(await page.getByText(email).first().isVisible()).toBe(true);
    await screenshot(page, "04-dashboard");
    await context.close();
  });

  it("says why a sign-in is refused, in words", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const email = await signUp(page, "Hopper");
    await signOut(page);
    await fillSignIn(page, email, "not the right password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toBe("That email and password do not match an account.");
    expect(new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("keeps the session across a reload in an HttpOnly cookie, with nothing auth-related in storage", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUp(page, "Lovelace");

    const cookies = await context.cookies();
    const sessionCookie = cookies.find((cookie) => cookie.name.endsWith("session_token"));
    expect(sessionCookie).toMatchObject({ httpOnly: true, sameSite: "Lax", domain: "127.0.0.1" });
    for (const cookie of cookies) expect(cookie.httpOnly, cookie.name).toBe(true);

    const seenByScript = await page.evaluate(() => ({
      cookie: document.cookie,
      local: Object.entries(localStorage),
      session: Object.entries(sessionStorage),
    }));
    expect(seenByScript.cookie).not.toContain("session_token");
    expect(seenByScript.cookie).toBe("");
    const authRelated = /session|token|auth|user|keyway/i;
    expect(seenByScript.local.filter(([key, value]) => authRelated.test(key) || authRelated.test(value))).toEqual([]);
    expect(seenByScript.session.filter(([key, value]) => authRelated.test(key) || authRelated.test(value))).toEqual([]);

    // Whatever storage holds, the cookie alone keeps the user signed in.
    await page.evaluate(() => {
      localStorage.clear();
      sessionStorage.clear();
    });
    await page.reload();
    await heading(page, "Welcome, Lovelace").waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await context.close();
  });

  it("a sign-out in one tab is seen by another tab on its next navigation", async () => {
    const context = await newContext(browser);
    const first = await context.newPage();
    await signUp(first, "Turing");
    const second = await context.newPage();
    await second.goto("/account");
    await heading(second, "Account").waitFor();

    await signOut(first);

    await nav(second, "Sessions").click();
    await second.waitForURL((url) => url.pathname === "/login" && url.searchParams.get("returnTo") === "/account/sessions");
    await heading(second, "Sign in").waitFor();
    expect(await context.cookies()).not.toContainEqual(expect.objectContaining({ name: expect.stringMatching(/session_token$/) }));
    await context.close();
  });
});

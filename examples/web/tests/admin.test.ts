import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { heading, signIn, signUp, nav } from "./helpers/app.js";
import { launchChromium, newContext, screenshot, stack } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("the admin page", () => {
  it("is not shown to users who are not admins", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUp(page, "Plain");
    expect(await nav(page, "Admin").count()).toBe(0);
    await page.goto("/admin");
    await heading(page, "Not allowed").waitFor();
    expect(await page.getByLabel("Search users").count()).toBe(0);
    await context.close();
  });

  it("searches users, bans and unbans, changes a role, impersonates with a banner and stops", async () => {
    const targetContext = await newContext(browser);
    const target = await targetContext.newPage();
    const targetEmail = await signUp(target, "Tess");

    const context = await newContext(browser);
    const page = await context.newPage();
    const { admin } = stack();
    await signIn(page, admin.email, admin.name, admin.password);
    await nav(page, "Admin").click();
    await heading(page, "Admin: users").waitFor();

    await page.getByLabel("Search users").fill(targetEmail);
    await page.getByText("1 user", { exact: true }).waitFor();
    const row = page.getByRole("row").filter({ hasText: targetEmail });
    await row.getByRole("cell", { name: "Active" }).waitFor();

    await page.getByRole("button", { name: `Ban ${targetEmail}` }).click();
    await row.getByText("Banned: Banned from the admin page").waitFor();
    // The ban ended the user's session: their next navigation goes to sign-in.
    await nav(target, "Account").click();
    await target.waitForURL((url) => url.pathname === "/login");
    await page.getByRole("button", { name: `Unban ${targetEmail}` }).click();
    await row.getByRole("cell", { name: "Active" }).waitFor();

    // Each change is saved and read back before the next: the select is disabled in between.
    const role = page.getByLabel(`Role of ${targetEmail}`);
    const savedRole = async () => (await role.isEnabled()) && (await role.inputValue());
    await role.selectOption("admin");
    await expect.poll(savedRole).toBe("admin");
    await role.selectOption("user");
    await expect.poll(savedRole).toBe("user");
    await page.getByLabel("Search users").fill("");
    await page.getByRole("cell", { name: admin.email, exact: true }).waitFor();
    await screenshot(page, "15-admin-users");

    await page.getByLabel("Search users").fill(targetEmail);
    await page.getByText("1 user", { exact: true }).waitFor();
    await page.getByRole("button", { name: `Impersonate ${targetEmail}` }).click();
    await heading(page, "Welcome, Tess").waitFor();
    const banner = page.getByRole("region", { name: "Impersonation" });
    await banner.getByText(`You are impersonating Tess (${targetEmail})`).waitFor();
    expect(await nav(page, "Admin").count()).toBe(0);
    await screenshot(page, "16-impersonating");

    // The banner stays on every page while impersonating.
    await nav(page, "Account").click();
    await heading(page, "Account").waitFor();
    expect(await banner.isVisible()).toBe(true);

    await banner.getByRole("button", { name: "Stop impersonating" }).click();
    await heading(page, "Admin: users").waitFor();
    expect(await page.getByRole("region", { name: "Impersonation" }).count()).toBe(0);
    await nav(page, "Dashboard").click();
    await heading(page, `Welcome, ${admin.name}`).waitFor();

    // The user's own security events show what an admin did on their behalf.
    await signIn(target, targetEmail, "Tess");
    await nav(target, "Security events").click();
    await heading(target, "Security events").waitFor();
    await target.getByText("(by an administrator)").first().waitFor();
    await context.close();
    await targetContext.close();
  });
});

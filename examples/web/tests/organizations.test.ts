import { randomUUID } from "node:crypto";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillSignUp, heading, mailTo, PASSWORD, signUp, uniqueEmail, nav } from "./helpers/app.js";
import { launchChromium, newContext, screenshot, stack } from "./helpers/browser.js";

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe("organizations, members and projects", () => {
  it("an owner creates, invites and manages projects; a member only reads them, and a forced delete is refused", async () => {
    const ownerContext = await newContext(browser);
    const owner = await ownerContext.newPage();
    await signUp(owner, "Owen");

    // Create the organization: it becomes the active one.
    const slug = `acme-${randomUUID().slice(0, 8)}`;
    await nav(owner, "Organizations").click();
    await owner.getByText("You are not in any organization yet.").waitFor();
    await owner.getByLabel("Organization name").fill("Acme");
    await owner.getByLabel("Slug").fill(slug);
    await owner.getByRole("button", { name: "Create organization" }).click();
    await owner.getByText("Active organization: Acme (you are owner)").waitFor();

    // A second organization, to switch between.
    await owner.getByLabel("Organization name").fill("Side project");
    await owner.getByLabel("Slug").fill(`${slug}-side`);
    await owner.getByRole("button", { name: "Create organization" }).click();
    await owner.getByText("Active organization: Side project (you are owner)").waitFor();
    await owner.getByRole("button", { name: "Switch to Acme" }).click();
    await owner.getByText("Active organization: Acme (you are owner)").waitFor();
    await screenshot(owner, "11-organizations");

    await nav(owner, "Projects").click();
    await heading(owner, "Projects of Acme").waitFor();
    await owner.getByLabel("Project name").fill("Rocket");
    await owner.getByLabel("Description").fill("Goes up");
    await owner.getByRole("button", { name: "Create project" }).click();
    await owner.getByText("Rocket").waitFor();

    // Invite a member; the invitation link arrives by mail (the development outbox).
    const memberEmail = uniqueEmail("mia");
    await nav(owner, "Members").click();
    await heading(owner, "Members of Acme").waitFor();
    await owner.getByLabel("Email to invite").fill(memberEmail);
    await owner.getByRole("button", { name: "Send invitation" }).click();
    await owner.getByText(`Invitation sent to ${memberEmail}.`).waitFor();
    await owner.getByRole("list", { name: "Pending invitations" }).getByText(memberEmail).waitFor();
    await screenshot(owner, "12-members");

    const link = (await mailTo(memberEmail, /^Join Acme/)).match(/https?:\/\/\S+\/invitations\/[\w-]+/)?.[0];
    expect(link?.startsWith(`${stack().webUrl}/invitations/`)).toBe(true);

    // The invited person has no account yet: sign-in, then sign-up, bring them back to the invitation.
    const memberContext = await newContext(browser);
    const member = await memberContext.newPage();
    await member.goto(link!);
    await heading(member, "Sign in").waitFor();
    await member.getByRole("link", { name: "Create an account" }).click();
    await fillSignUp(member, "Mia", memberEmail, PASSWORD);
    await heading(member, "Invitation").waitFor();
    await member.getByRole("button", { name: "Accept invitation" }).click();
    await heading(member, "Projects of Acme").waitFor();
    await member.getByText("You are member here.").waitFor();
    await member.getByText("Rocket").waitFor();
    expect(await member.getByRole("button", { name: "Delete Rocket" }).count()).toBe(0);
    expect(await member.getByRole("button", { name: "Edit Rocket" }).count()).toBe(0);
    expect(await member.getByRole("form", { name: "Create a project" }).count()).toBe(0);
    await screenshot(member, "13-projects-as-member");

    // Forced from the page with the member's own cookie: the API refuses it.
    const forced = await member.evaluate(async (api) => {
      const list = await fetch(`${api}/trpc/projects.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, { credentials: "include" });
      const { result } = (await list.json()) as { result: { data: { json: { items: Array<{ id: string; organizationId: string }> } } } };
      const [project] = result.data.json.items;
      const response = await fetch(`${api}/trpc/projects.delete`, {
        method: "POST",
        credentials: "include",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ json: { id: project!.id, organizationId: project!.organizationId } }),
      });
      return { status: response.status, body: (await response.json()) as { error: { json: { data: { code: string } } } } };
    }, stack().apiUrl);
    expect(forced.status).toBe(403);
    expect(forced.body.error.json.data.code).toBe("FORBIDDEN");
    await member.reload();
    await member.getByText("Rocket").waitFor();

    // The owner sees the member, and the buttons the member does not.
    await owner.reload();
    await owner.getByRole("cell", { name: memberEmail, exact: true }).waitFor();
    await nav(owner, "Projects").click();
    await owner.getByRole("button", { name: "Edit Rocket" }).click();
    await owner.getByLabel("Project name").first().fill("Rocket 2");
    await owner.getByRole("button", { name: "Save" }).click();
    await owner.getByRole("button", { name: "Delete Rocket 2" }).waitFor();
    await screenshot(owner, "14-projects-as-owner");
    await owner.getByRole("button", { name: "Delete Rocket 2" }).click();
    await owner.getByText("No projects yet.").waitFor();

    await member.reload();
    await member.getByText("No projects yet.").waitFor();
    await ownerContext.close();
    await memberContext.close();
  });
});

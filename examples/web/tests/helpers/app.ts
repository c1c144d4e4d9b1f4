import type { Page } from "playwright-core";
import { PASSWORD, uniqueEmail } from "../../../../tests/helpers/clients.js";
import { stack } from "./browser.js";

export { PASSWORD, uniqueEmail };

export const heading = (page: Page, name: string) => page.getByRole("heading", { name, level: 1, exact: true });

/** Signs up through the sign-up screen and waits for the page it returns to. */
export async function signUp(page: Page, name: string, email = uniqueEmail(name.toLowerCase())) {
  await page.goto("/signup");
  await fillSignUp(page, name, email, PASSWORD);
  await heading(page, `Welcome, ${name}`).waitFor();
  return email;
}

export async function fillSignUp(page: Page, name: string, email: string, password: string) {
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
}

/** Fills the sign-in form (the caller waits for what should follow). */
export async function fillSignIn(page: Page, email: string, password = PASSWORD) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}

export async function signIn(page: Page, email: string, name: string, password = PASSWORD) {
  await page.goto("/login");
  await fillSignIn(page, email, password);
  await heading(page, `Welcome, ${name}`).waitFor();
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await heading(page, "Sign in").waitFor();
}

/** The newest development-outbox mail to `to` matching `subject`: its text. */
export async function mailTo(to: string, subject: RegExp): Promise<string> {
  const response = await fetch(`${stack().apiUrl}/api/dev/outbox?to=${encodeURIComponent(to)}`);
  const { messages } = (await response.json()) as { messages: Array<{ subject: string; text: string }> };
  const found = messages.find((message) => subject.test(message.subject));
  if (!found) throw new Error(`no mail to ${to} about ${subject}; outbox has: ${messages.map((m) => m.subject).join(", ")}`);
  return found.text;
}

/** A link of the main navigation. */
export const nav = (page: Page, name: string) => page.getByRole("navigation", { name: "Main" }).getByRole("link", { name, exact: true });

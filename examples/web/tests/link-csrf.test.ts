import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createClient } from "@keyway/sdk";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, it } from "vitest";
import { heading, mailTo, PASSWORD, signUp, uniqueEmail } from "./helpers/app.js";
import { launchChromium, newContext, stack } from "./helpers/browser.js";

let browser: Browser;
let attacker: Server;
let attackerUrl: string;
let attackerLink: string;
let attackerVerifyLink: string;

beforeAll(async () => {
  browser = await launchChromium();
  const { apiUrl, webUrl } = stack();
  const email = uniqueEmail("mallory");
  const client = createClient({ baseUrl: apiUrl });
  await client.auth.signUp.email({ email, password: PASSWORD, name: "Mallory", callbackURL: `${webUrl}/` });
  attackerVerifyLink = /https?:\/\/\S+/.exec(await mailTo(email, /Confirm your email/))![0];
  await client.auth.signIn.magicLink({ email, callbackURL: `${webUrl}/` });
  attackerLink = /https?:\/\/\S+/.exec(await mailTo(email, /sign-in link/))![0];
  const token = decodeURIComponent(new URL(attackerLink).hash.slice(1));
  const action = attackerLink.split("#")[0]!;
  // Another site: "localhost" is not the same site as the API's 127.0.0.1.
  attacker = createServer((request, response) => {
    if (request.url === "/redirect" || request.url === "/verify") {
      response.writeHead(302, { location: request.url === "/verify" ? attackerVerifyLink : attackerLink }).end();
      return;
    }
    response.writeHead(200, { "content-type": "text/html" }).end(
      `<form id="f" method="post" action="${action}"><input name="token" value="${token}"><input name="callbackURL" value="${webUrl}/"></form><script>document.getElementById("f").submit()</script>`,
    );
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => attacker?.close(resolve));
});

describe("a mailed sign-in link cannot sign a victim's browser in from another site", () => {
  it("a cross-site redirect to the attacker's link and a cross-site post of its token leave the victim signed in as themselves", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await signUp(page, "Victim");

    await page.goto(`${attackerUrl}/redirect`);
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();
    await page.goto("/");
    await heading(page, "Welcome, Victim").waitFor();

    const posted = page.waitForResponse((response) => response.request().method() === "POST" && response.url().includes("/confirm-link/"));
    await page.goto(`${attackerUrl}/post`);
    if ((await posted).status() !== 403) throw new Error(`the cross-site post answered ${(await posted).status()}`);
    await page.goto("/");
    await heading(page, "Welcome, Victim").waitFor();
    await context.close();
  });

  it("the link's owner, opening it in their own browser and confirming, is signed in", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.goto(attackerLink);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await heading(page, "Welcome, Mallory").waitFor();
    await context.close();
  });
});

describe("a mailed address-confirmation link cannot sign a victim's browser in from another site", () => {
  it("a cross-site redirect to the attacker's confirmation link signs no one in, and leaves a signed-in victim as themselves", async () => {
    const context = await newContext(browser);
    const page = await context.newPage();
    const verified = page.waitForResponse((response) => response.url().includes("/api/auth/verify-email"));
    await page.goto(`${attackerUrl}/verify`);
    if ((await verified).headers()["set-cookie"]?.includes("session_token=")) throw new Error("the confirmation link set a session cookie");
    await page.goto("/");
    await page.getByRole("button", { name: "Sign in", exact: true }).waitFor();

    await signUp(page, "Vera");
    await page.goto(`${attackerUrl}/verify`);
    await page.goto("/");
    await heading(page, "Welcome, Vera").waitFor();
    await context.close();
  });
});

import * as OTPAuth from "otpauth";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../tests/helpers/cli.js";
import { freePort } from "../../../tests/helpers/server-process.js";
import { PASSWORD, heading, uniqueEmail } from "./helpers/app.js";
import { launchChromium } from "./helpers/browser.js";
import { type LocalhostStack, startLocalhostStack } from "./helpers/localhost-stack.js";

// WebAuthn in a real Chromium: the DevTools protocol's virtual authenticator answers the page's
// navigator.credentials calls, and the API checks real attestations and assertions. Everything is
// on `localhost` (WebAuthn refuses IP addresses as relying-party IDs).

let stack: LocalhostStack;
let browser: Browser;
let db: pg.Client;
let metricsUrl: string;
/** Every WebAuthn challenge the API handed out, to look for in its log. */
const challenges: string[] = [];

beforeAll(async () => {
  const metricsPort = await freePort();
  metricsUrl = `http://127.0.0.1:${metricsPort}/metrics`;
  stack = await startLocalhostStack({ METRICS_PORT: String(metricsPort) });
  browser = await launchChromium();
  db = new pg.Client({ connectionString: stack.databaseUrl });
  await db.connect();
});
afterAll(async () => {
  await db?.end();
  await browser?.close();
  await stack?.stop();
});

type Credential = Awaited<ReturnType<Awaited<ReturnType<typeof addAuthenticator>>["credentials"]>>[number];

/** A virtual authenticator on the page's tab: a platform authenticator with resident keys and user verification. */
async function addAuthenticator(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: { protocol: "ctap2", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
  const credentials = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
  return {
    credentials,
    clear: () => cdp.send("WebAuthn.clearCredentials", { authenticatorId }),
    add: (credential: Awaited<ReturnType<typeof credentials>>[number]) => cdp.send("WebAuthn.addCredential", { authenticatorId, credential }),
  };
}

/** A tab of a new browser profile on the web app, noting the challenges the API sends it. */
async function newPage(context?: BrowserContext) {
  const page = await (context ?? (await browser.newContext({ baseURL: stack.webUrl, viewport: { width: 1200, height: 800 } }))).newPage();
  page.on("response", async (response) => {
    if (!/\/passkey\/generate-(register|authenticate)-options/.test(response.url()) || !response.ok()) return;
    const body = (await response.json().catch(() => null)) as { challenge?: string } | null;
    if (body?.challenge) challenges.push(body.challenge);
  });
  return page;
}

/** A Better Auth call made by the page itself (its origin, its cookies). */
async function call(page: Page, path: string, body?: unknown) {
  return page.evaluate(
    async ({ url, body }) => {
      const response = await fetch(url, {
        method: body === undefined ? "GET" : "POST",
        credentials: "include",
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, unknown> | null };
    },
    { url: `${stack.apiUrl}/api/auth${path}`, body },
  );
}

const sessionOf = async (page: Page) => (await call(page, "/get-session")).body as { user: { id: string; email: string } } | null;

async function signUp(page: Page, name: string) {
  const email = uniqueEmail(name.toLowerCase());
  await page.goto("/signup");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await heading(page, `Welcome, ${name}`).waitFor();
  const [row] = (await db.query<{ id: string }>(`select id from "user" where email = $1`, [email])).rows;
  return { email, id: row!.id };
}

/** Adds a passkey on the account page, as a user does. */
async function addPasskey(page: Page, name: string) {
  await page.goto("/account");
  await page.getByLabel("Name of the new passkey").fill(name);
  await page.getByRole("button", { name: "Add a passkey" }).click();
  await page.getByRole("status").filter({ hasText: `Passkey “${name}” added.` }).waitFor();
}

const passkeysOf = async (userId: string) =>
  (await db.query<{ id: string; name: string | null; credential_id: string; public_key: string }>(`select id, name, credential_id, public_key from passkey where user_id = $1 order by created_at`, [userId])).rows;

const auditOf = async (userId: string) =>
  (await db.query<{ action: string; detail: Record<string, unknown> }>(`select action, detail from audit_event where actor_user_id = $1 order by occurred_at`, [userId])).rows;

/** A user who signed up in a new browser profile and added one passkey "Laptop" there. */
async function userWithPasskey(name: string) {
  const page = await newPage();
  const authenticator = await addAuthenticator(page);
  const user = await signUp(page, name);
  await addPasskey(page, "Laptop");
  const [credential] = await authenticator.credentials();
  return { page, authenticator, user, credential: credential! };
}

/** A new browser profile, signed out, whose authenticator holds `credential`. */
async function signedOutWith(credential: Credential) {
  const page = await newPage();
  const authenticator = await addAuthenticator(page);
  await authenticator.add(credential);
  return page;
}

describe("passkeys in the web app", () => {
  let pia: Awaited<ReturnType<typeof userWithPasskey>>;

  it("adds a passkey on the account page, then signs in with the passkey button", async () => {
    pia = await userWithPasskey("Pia");
    const { page, authenticator, user, credential } = pia;
    expect(await passkeyNames(page)).toEqual(["Laptop"]);
    expect(credential).toMatchObject({ rpId: "localhost", isResidentCredential: true });
    expect(await passkeysOf(user.id)).toHaveLength(1);

    // Signed out with the passkey out of reach, the page's autofill request finds nothing to offer.
    await authenticator.clear();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await heading(page, "Sign in").waitFor();
    expect(await sessionOf(page)).toBeNull();
    await authenticator.add(credential);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await heading(page, "Welcome, Pia").waitFor();
    expect((await sessionOf(page))?.user).toMatchObject({ id: user.id, email: user.email });
    // The authenticator's signature counter moved on: a copy must have the new count to be accepted.
    pia.credential = (await authenticator.credentials())[0]!;
  });

  it("signs in from the email field's autofill (conditional UI) without a click", async () => {
    const page = await signedOutWith(pia.credential);
    await page.goto("/login");
    expect(await page.getByLabel("Email", { exact: true }).getAttribute("autocomplete")).toBe("username webauthn");
    // Chromium's virtual authenticator picks the passkey from the autofill as a user would.
    await heading(page, "Welcome, Pia").waitFor();
    expect((await sessionOf(page))?.user.id).toBe(pia.user.id);
  });

  it("renames and removes a passkey on the account page, and records both", async () => {
    const { page, user } = pia;
    await page.goto("/account");
    const list = page.getByRole("list", { name: "Your passkeys" });
    await list.getByRole("button", { name: "Rename Laptop" }).click();
    await list.getByLabel("New name").fill("Work laptop");
    await list.getByRole("button", { name: "Save name" }).click();
    await page.getByRole("status").filter({ hasText: "Passkey renamed to “Work laptop”." }).waitFor();
    expect(await passkeyNames(page)).toEqual(["Work laptop"]);
    const [row] = await passkeysOf(user.id);
    expect(row!.name).toBe("Work laptop");

    await list.getByRole("button", { name: "Remove Work laptop" }).click();
    await page.getByText("No passkeys yet.").waitFor();
    expect(await passkeysOf(user.id)).toEqual([]);

    const events = (await auditOf(user.id)).filter((event) => event.action.startsWith("passkey.") || event.action === "session.sign_in");
    expect(events.map((event) => event.action)).toEqual(["passkey.add", "session.sign_in", "session.sign_in", "passkey.rename", "passkey.remove"]);
    expect(events.filter((event) => event.action.startsWith("passkey.")).map((event) => event.detail.passkeyId)).toEqual([row!.id, row!.id, row!.id]);

    // The removed passkey no longer signs anyone in.
    const again = await signedOutWith(pia.credential);
    await again.goto("/login");
    await again.getByRole("button", { name: "Sign in with a passkey" }).click();
    await again.getByRole("alert").filter({ hasText: /passkey not found/i }).waitFor();
    expect(await sessionOf(again)).toBeNull();
  });
});

describe("the passkey sign-in's security invariants", () => {
  it("is a complete sign-in for a two-factor account, whose password sign-in still asks for the code", async () => {
    const { page, user, credential } = await userWithPasskey("Tove");
    const enabled = await call(page, "/two-factor/enable", { password: PASSWORD });
    const totp = OTPAuth.URI.parse(String(enabled.body?.totpURI)) as OTPAuth.TOTP;
    expect((await call(page, "/two-factor/verify-totp", { code: totp.generate() })).status).toBe(200);
    await page.context().clearCookies();

    const password = await call(page, "/sign-in/email", { email: user.email, password: PASSWORD });
    expect(password.body).toMatchObject({ twoFactorRedirect: true });
    expect(await sessionOf(page)).toBeNull();

    const before = await passkeySignIns();
    const signedIn = await signedOutWith(credential);
    await signedIn.goto("/login");
    await heading(signedIn, "Welcome, Tove").waitFor();
    expect(new URL(signedIn.url()).pathname).toBe("/");
    expect((await sessionOf(signedIn))?.user.id).toBe(user.id);
    expect(await passkeySignIns()).toBe(before + 1);
  });

  it("refuses a banned user and makes no session, until the ban expires", async () => {
    const { user, credential } = await userWithPasskey("Bea");
    await db.query(`update "user" set banned = true, ban_expires = null where id = $1`, [user.id]);
    await db.query(`delete from session where user_id = $1`, [user.id]);
    const page = await signedOutWith(credential);
    await page.goto("/login");
    await page.getByRole("alert").filter({ hasText: /banned/i }).waitFor();
    expect(await sessionOf(page)).toBeNull();
    expect(await sessionCount(user.id)).toBe(0);

    await db.query(`update "user" set ban_expires = now() - interval '1 minute' where id = $1`, [user.id]);
    await page.getByRole("button", { name: "Sign in with a passkey" }).click();
    await heading(page, "Welcome, Bea").waitFor();
  });

  it("adds, renames and removes passkeys only in a fresh session of their owner", async () => {
    const { page, user } = await userWithPasskey("Fred");
    const [own] = await passkeysOf(user.id);
    const other = await userWithPasskey("Olga");
    const [theirs] = await passkeysOf(other.user.id);

    // Someone else's passkey id.
    expect((await call(page, "/passkey/update-passkey", { id: theirs!.id, name: "mine now" })).status).toBe(401);
    expect((await call(page, "/passkey/delete-passkey", { id: theirs!.id })).status).toBe(401);
    expect(await passkeysOf(other.user.id)).toEqual([theirs]);

    // An API key of the owner.
    const key = await call(page, "/api-key/create", { name: "script" });
    const withKey = (path: string, body: unknown) =>
      fetch(`${stack.apiUrl}/api/auth${path}`, { method: "POST", headers: { "x-api-key": String(key.body?.key), "content-type": "application/json" }, body: JSON.stringify(body) });
    for (const [path, body] of [["/passkey/update-passkey", { id: own!.id, name: "by key" }], ["/passkey/delete-passkey", { id: own!.id }]] as const) {
      const response = await withKey(path, body);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "API_KEY_NOT_ALLOWED" });
    }

    // An admin impersonating the owner.
    const admin = await adminCookie();
    const impersonated = await fetch(`${stack.apiUrl}/api/auth/admin/impersonate-user`, {
      method: "POST",
      headers: { cookie: admin, origin: stack.webUrl, "content-type": "application/json" },
      body: JSON.stringify({ userId: user.id }),
    });
    expect(impersonated.status).toBe(200);
    const asUser = cookiesOf(impersonated);
    for (const [path, body] of [["/passkey/update-passkey", { id: own!.id, name: "by admin" }], ["/passkey/delete-passkey", { id: own!.id }]] as const) {
      const response = await fetch(`${stack.apiUrl}/api/auth${path}`, { method: "POST", headers: { cookie: asUser, origin: stack.webUrl, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ code: "IMPERSONATION_SESSION" });
    }
    const options = await fetch(`${stack.apiUrl}/api/auth/passkey/generate-register-options`, { headers: { cookie: asUser, origin: stack.webUrl } });
    expect(options.status).toBe(403);

    // The owner, signed in two hours ago.
    await db.query(`update session set created_at = now() - interval '2 hours' where user_id = $1 and impersonated_by is null`, [user.id]);
    for (const [path, body] of [["/passkey/update-passkey", { id: own!.id, name: "stale" }], ["/passkey/delete-passkey", { id: own!.id }]] as const) {
      const response = await call(page, path, body);
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({ code: "SESSION_NOT_FRESH" });
    }
    await page.goto("/account");
    await page.getByLabel("Name of the new passkey").fill("Second");
    await page.getByRole("button", { name: "Add a passkey" }).click();
    await page.getByRole("alert").filter({ hasText: "Sign in again to continue" }).waitFor();
    expect(await passkeysOf(user.id)).toEqual([own]);
  });

  it("removes a user's passkeys with the user", async () => {
    const { user } = await userWithPasskey("Dora");
    expect(await passkeysOf(user.id)).toHaveLength(1);
    const removed = await fetch(`${stack.apiUrl}/api/auth/admin/remove-user`, {
      method: "POST",
      headers: { cookie: await adminCookie(), origin: stack.webUrl, "content-type": "application/json" },
      body: JSON.stringify({ userId: user.id }),
    });
    expect(removed.status).toBe(200);
    expect(await passkeysOf(user.id)).toEqual([]);
  });

  it("writes no challenge, credential id or public key to the log", async () => {
    const rows = (await db.query<{ credential_id: string; public_key: string }>(`select credential_id, public_key from passkey`)).rows;
    const log = stack.api.output();
    expect(log).toContain("/api/auth/passkey/verify-authentication");
    expect(challenges.length).toBeGreaterThan(5);
    for (const secret of [...challenges, ...rows.flatMap((row) => [row.credential_id, row.public_key])]) expect(log).not.toContain(secret);
  });
});

async function passkeyNames(page: Page) {
  const list = page.getByRole("list", { name: "Your passkeys" });
  await list.waitFor();
  return list.locator(".passkey-name").allTextContents();
}

async function sessionCount(userId: string) {
  return Number((await db.query(`select count(*) from session where user_id = $1`, [userId])).rows[0].count);
}

async function passkeySignIns() {
  const text = await (await fetch(metricsUrl)).text();
  const line = text.split("\n").find((entry) => entry.startsWith('keyway_sign_ins_total{method="passkey",outcome="success"}'));
  return line ? Number(line.split(" ").pop()) : 0;
}

/** The cookies a response leaves a browser with: the last value of each name, none that it expired. */
function cookiesOf(response: Response) {
  const jar = new Map<string, string>();
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(";");
    const [name, value] = [pair!.slice(0, pair!.indexOf("=")), pair!.slice(pair!.indexOf("=") + 1)];
    if (value) jar.set(name, value);
    else jar.delete(name);
  }
  return [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
}

let adminSession: string | undefined;
/** The session cookie of an admin made with the CLI, as the README says. */
async function adminCookie() {
  if (adminSession) return adminSession;
  const email = uniqueEmail("admin");
  const json = { origin: stack.webUrl, "content-type": "application/json" };
  await fetch(`${stack.apiUrl}/api/auth/sign-up/email`, { method: "POST", headers: json, body: JSON.stringify({ email, password: PASSWORD, name: "Ada" }) });
  const promoted = await runCli(["users:set-role", email, "admin"], stack.env);
  expect(promoted.code, promoted.stderr).toBe(0);
  const signedIn = await fetch(`${stack.apiUrl}/api/auth/sign-in/email`, { method: "POST", headers: json, body: JSON.stringify({ email, password: PASSWORD }) });
  adminSession = cookiesOf(signedIn);
  return adminSession;
}

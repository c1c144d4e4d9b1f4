import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { account, user } from "../db/schema/index.js";
import type { KeywayClient } from "../sdk/src/index.js";
import { newClient, PASSWORD } from "./helpers/clients.js";
import { type FakeUser, startGithub, startOidcProvider } from "./helpers/oauth-stand-ins.js";
import { redirectOrigins } from "./helpers/redirect-hosts.js";
import { startServer, type TestServer } from "./helpers/server.js";

const oidcUser: FakeUser = { id: 1001, login: "olivia", name: "Olivia Idp", email: "olivia@idp.example", emailVerified: true };
const githubUser: FakeUser = { id: 2002, login: "gina", name: "Gina Hub", email: "gina@example.com", emailVerified: true };

const googleUser: FakeUser = { id: 4004, login: "gabe", name: "Gabe Google", email: "gabe@gmail.example", emailVerified: true };

let oidc: Awaited<ReturnType<typeof startOidcProvider>>;
let google: Awaited<ReturnType<typeof startOidcProvider>>;
let github: Awaited<ReturnType<typeof startGithub>>;
let restoreHosts: () => void;
let server: TestServer;

beforeAll(async () => {
  // Access tokens that expire at once, so that the refresh path runs.
  oidc = await startOidcProvider({ clientId: "keyway-test", clientSecret: "oidc-secret", user: oidcUser, accessTokenSeconds: 1 });
  google = await startOidcProvider({ clientId: "google-client", clientSecret: "google-secret", user: googleUser, issuer: "https://accounts.google.com" });
  github = await startGithub({ users: [githubUser], pats: new Map(), clientId: "gh-client", clientSecret: "gh-secret" });
  // Better Auth's GitHub provider talks to github.com and api.github.com: in this process they resolve to the stand-in.
  restoreHosts = redirectOrigins({
    "https://github.com": github.url,
    "https://api.github.com": github.url,
    "https://accounts.google.com": google.url,
    "https://oauth2.googleapis.com": google.url,
    "https://www.googleapis.com": google.url,
  });
  server = await startServer({
    TRUSTED_ORIGINS: "http://app.example.test",
    OIDC_ISSUER: oidc.url,
    OIDC_CLIENT_ID: "keyway-test",
    OIDC_CLIENT_SECRET: "oidc-secret",
    GITHUB_CLIENT_ID: "gh-client",
    GITHUB_CLIENT_SECRET: "gh-secret",
    GOOGLE_CLIENT_ID: "google-client",
    GOOGLE_CLIENT_SECRET: "google-secret",
  });
});
afterAll(async () => {
  await server?.close();
  restoreHosts?.();
  await Promise.all([oidc?.close(), github?.close(), google?.close()]);
});

/** Plays the browser: sign-in request, provider redirect, callback; returns the final redirect. */
async function redirectDance(client: KeywayClient, provider: "oidc" | "github" | "google", tamper: (url: URL) => void = () => {}) {
  const { data, error } = await client.auth.signIn.social({ provider, callbackURL: "http://app.example.test/dashboard", errorCallbackURL: "http://app.example.test/error" });
  expect(error).toBeNull();
  const authorize = new URL(data!.url!.replace("https://github.com", github.url).replace("https://accounts.google.com", google.url));
  const atProvider = await fetch(authorize, { redirect: "manual" });
  const callback = new URL(atProvider.headers.get("location")!);
  expect(callback.pathname).toBe(`/api/auth/callback/${provider}`);
  tamper(callback);
  const jar = client.cookieJar!;
  const done = await fetch(callback, { redirect: "manual", headers: { cookie: await jar.getCookieString(server.url) } });
  for (const cookie of done.headers.getSetCookie()) await jar.setCookie(cookie, server.url);
  return { status: done.status, location: done.headers.get("location") ?? "" };
}

describe("OpenID Connect sign-in", () => {
  it("goes redirect → callback → session, with the provider's profile", async () => {
    const client = newClient(server);
    const result = await redirectDance(client, "oidc");
    expect(result.status).toBe(302);
    expect(result.location).toBe("http://app.example.test/dashboard");
    expect(await client.api.me.get.query()).toMatchObject({ email: oidcUser.email, name: oidcUser.name, emailVerified: true });
    const [row] = await server.database.db.select().from(account).where(eq(account.providerId, "oidc"));
    expect(row!.accountId).toBe(String(oidcUser.id));
    expect(row!.accessToken).toBeTruthy();
    // The scopes the issuer granted, on both surfaces.
    expect((await client.api.account.scopes.query()).scopes).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
    const rest = await fetch(`${server.url}/api/user-scopes`, { headers: { cookie: await client.cookieJar!.getCookieString(server.url) } });
    expect(((await rest.json()) as { scopes: string[] }).scopes).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
  });

  it("refuses a tampered state and a tampered PKCE challenge, signing nobody in", async () => {
    const stateTampered = newClient(server);
    const one = await redirectDance(stateTampered, "oidc", (url) => url.searchParams.set("state", "forged-state"));
    expect(one.location).toContain("error");
    expect(await stateTampered.api.session.get.query()).toBeNull();

    const pkceTampered = newClient(server);
    const { data } = await pkceTampered.auth.signIn.social({ provider: "oidc", callbackURL: "http://app.example.test/dashboard" });
    const authorize = new URL(data!.url!);
    expect(authorize.searchParams.get("code_challenge_method")).toBe("S256");
    authorize.searchParams.set("code_challenge", "A".repeat(43));
    const callback = (await fetch(authorize, { redirect: "manual" })).headers.get("location")!;
    const done = await fetch(callback, { redirect: "manual", headers: { cookie: await pkceTampered.cookieJar!.getCookieString(server.url) } });
    expect(done.headers.get("location")).toContain("error");
    expect(done.headers.getSetCookie().filter((cookie) => /session_token=[^;]/.test(cookie))).toEqual([]);
  });

  it("refuses a callbackURL outside the trusted origins", async () => {
    const { error } = await newClient(server).auth.signIn.social({ provider: "oidc", callbackURL: "https://evil.example/steal" });
    expect(error?.status).toBe(403);
  });
});

describe("provider tokens", () => {
  it("are refreshed with the refresh token once expired", async () => {
    const client = newClient(server);
    await redirectDance(client, "oidc");
    const accounts = await client.auth.listAccounts();
    const accountId = accounts.data!.find((entry) => entry.providerId === "oidc")!.id;
    const first = await client.auth.getAccessToken({ accountId });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = oidc.stats.refreshes;
    const second = await client.auth.getAccessToken({ accountId });
    expect(second.error).toBeNull();
    expect(oidc.stats.refreshes).toBe(before + 1);
    expect(second.data!.accessToken).not.toBe(first.data?.accessToken);
  });
});

describe("Google sign-in", () => {
  it("verifies Google's ID token and signs in", async () => {
    const client = newClient(server);
    const result = await redirectDance(client, "google");
    expect(result.location).toBe("http://app.example.test/dashboard");
    expect(await client.api.me.get.query()).toMatchObject({ email: googleUser.email, name: googleUser.name });
    expect((await client.api.account.scopes.query()).scopes).toEqual(expect.arrayContaining(["openid", "email", "profile"]));
  });
});

describe("GitHub OAuth sign-in", () => {
  it("asks for the default scopes, signs in, stores encrypted tokens and reports the scopes", async () => {
    const client = newClient(server);
    const { data } = await client.auth.signIn.social({ provider: "github", callbackURL: "http://app.example.test/dashboard" });
    const scopes = new URL(data!.url!).searchParams.get("scope")!.split(/[\s,]+/);
    expect(scopes).toEqual(expect.arrayContaining(["read:user", "user:email", "public_repo"]));
    const more = await newClient(server).auth.signIn.social({ provider: "github", scopes: ["repo"] });
    expect(new URL(more.data!.url!).searchParams.get("scope")!.split(/[\s,]+/)).toEqual(expect.arrayContaining(["read:user", "repo"]));

    const result = await redirectDance(client, "github");
    expect(result.location).toBe("http://app.example.test/dashboard");
    expect((await client.api.me.get.query()).email).toBe(githubUser.email);
    expect((await client.api.account.scopes.query()).scopes).toEqual(expect.arrayContaining(["read:user", "user:email", "public_repo"]));
    const [row] = await server.database.db.select().from(account).where(eq(account.accountId, String(githubUser.id)));
    expect(row!.accessToken).toBeTruthy();
    expect(row!.accessToken).not.toMatch(/^gho_/);
  });
});

describe("account linking", () => {
  it("never attaches a provider account to an unverified local account with the same email", async () => {
    const victimEmail = "linkme@idp.example";
    const linkingOidc = await startOidcProvider({
      clientId: "keyway-test",
      clientSecret: "oidc-secret",
      user: { id: 3003, login: "victim", name: "Real Owner", email: victimEmail, emailVerified: true },
    });
    const linking = await startServer({ OIDC_ISSUER: linkingOidc.url, OIDC_CLIENT_ID: "keyway-test", OIDC_CLIENT_SECRET: "oidc-secret", TRUSTED_ORIGINS: "http://app.example.test" });
    try {
      // Someone registered the address first, without ever verifying it.
      await newClient(linking).auth.signUp.email({ email: victimEmail, password: PASSWORD, name: "Squatter" });
      const owner = newClient(linking);
      const result = await redirectDance(owner, "oidc");
      const squatterRow = (await linking.database.db.select().from(user).where(eq(user.email, victimEmail)))[0]!;
      expect(squatterRow.emailVerified).toBe(false);
      const linked = await linking.database.db.select().from(account).where(eq(account.userId, squatterRow.id));
      expect(linked.map((entry) => entry.providerId)).toEqual(["credential"]);
      expect(result.location).toMatch(/error=/);
      expect(await owner.api.session.get.query()).toBeNull();
    } finally {
      await linking.close();
      await linkingOidc.close();
    }
  });
});

describe("OIDC account linking", () => {
  // One issuer whose answers the test changes between sign-ins: it claims whatever address it likes.
  const claimed: FakeUser = { id: 5005, login: "claimer", name: "Claimer", email: "", emailVerified: true };
  let issuer: Awaited<ReturnType<typeof startOidcProvider>>;
  let untrusted: TestServer;
  let trusted: TestServer;
  const env = (url: string) => ({ OIDC_ISSUER: url, OIDC_CLIENT_ID: "keyway-test", OIDC_CLIENT_SECRET: "oidc-secret", TRUSTED_ORIGINS: "http://app.example.test" });
  beforeAll(async () => {
    issuer = await startOidcProvider({ clientId: "keyway-test", clientSecret: "oidc-secret", user: claimed });
    [untrusted, trusted] = await Promise.all([startServer(env(issuer.url)), startServer({ ...env(issuer.url), OIDC_TRUSTED_FOR_LINKING: "true" })]);
  });
  afterAll(async () => {
    await Promise.all([untrusted?.close(), trusted?.close()]);
    await issuer?.close();
  });

  /** A local account whose address is verified. */
  async function victim(on: TestServer, label: string) {
    const email = `${label}-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const { data } = await newClient(on).auth.signUp.email({ email, password: PASSWORD, name: label });
    await on.database.db.update(user).set({ emailVerified: true }).where(eq(user.id, data!.user.id));
    return { email, userId: data!.user.id };
  }

  /** Signs in through the issuer claiming `email`; who the browser ends up signed in as, and the victim's providers. */
  async function claim(on: TestServer, email: string, emailVerified: boolean, userId: string) {
    Object.assign(claimed, { id: claimed.id + 1, email, emailVerified });
    const browser = newClient(on);
    const result = await redirectDance(browser, "oidc");
    const session = await browser.api.session.get.query();
    const providers = (await on.database.db.select().from(account).where(eq(account.userId, userId))).map((entry) => entry.providerId).sort();
    return { signedInAs: session?.user.id ?? null, providers, failed: /error=/.test(result.location) };
  }

  it("does not link an issuer not trusted for linking, even with email_verified: true", async () => {
    const { email, userId } = await victim(untrusted, "untrusted-verified");
    expect(await claim(untrusted, email, true, userId)).toEqual({ signedInAs: null, providers: ["credential"], failed: true });
  });

  it("does not link a trusted issuer's unverified address", async () => {
    const { email, userId } = await victim(trusted, "trusted-unverified");
    expect(await claim(trusted, email, false, userId)).toEqual({ signedInAs: null, providers: ["credential"], failed: true });
  });

  it("links a trusted issuer's verified address onto the existing account", async () => {
    const { email, userId } = await victim(trusted, "trusted-verified");
    expect(await claim(trusted, email, true, userId)).toEqual({ signedInAs: userId, providers: ["credential", "oidc"], failed: false });
  });

  it("still signs up a brand-new OIDC user, with the issuer's verified address", async () => {
    const email = `newcomer-${crypto.randomUUID().slice(0, 8)}@example.com`;
    Object.assign(claimed, { id: claimed.id + 1, email, emailVerified: true });
    const browser = newClient(untrusted);
    expect((await redirectDance(browser, "oidc")).location).not.toMatch(/error=/);
    expect(await browser.api.me.get.query()).toMatchObject({ email, emailVerified: true });
  });
});

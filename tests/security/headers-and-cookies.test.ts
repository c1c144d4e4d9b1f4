import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, PASSWORD, signedUpClient, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

describe("security headers", () => {
  it("are on every kind of response: REST, tRPC, Better Auth, errors", async () => {
    const { client } = await signedUpClient(server, "headers");
    const cookie = await cookieOf(client, server);
    const responses = await Promise.all([
      fetch(`${server.url}/health`),
      fetch(`${server.url}/api/session`, { headers: { cookie } }),
      fetch(`${server.url}/trpc/me.get`, { headers: { cookie } }),
      fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } }),
      fetch(`${server.url}/trpc/nope`),
      fetch(`${server.url}/no/such/route`),
    ]);
    for (const response of responses) {
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("SAMEORIGIN");
      expect(response.headers.get("strict-transport-security")).toContain("max-age=");
      expect(response.headers.get("content-security-policy")).toContain("default-src 'self'");
    }
  });

  it("mark every answer that carries or reveals a session Cache-Control: no-store", async () => {
    const { client, email } = await signedUpClient(server, "nostore");
    const cookie = await cookieOf(client, server);
    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    const responses = [
      signIn,
      await fetch(`${server.url}/api/session`, { headers: { cookie } }),
      await fetch(`${server.url}/api/me`, { headers: { cookie } }),
      await fetch(`${server.url}/trpc/session.get`, { headers: { cookie } }),
      await fetch(`${server.url}/api/auth/get-session`, { headers: { cookie } }),
    ];
    for (const response of responses) expect(response.headers.get("cache-control")).toContain("no-store");
  });
});

describe("session cookies", () => {
  it("are HttpOnly and SameSite=Lax over http, without Secure", async () => {
    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: uniqueEmail("cookie"), password: PASSWORD, name: "Cookie" }),
    });
    const token = response.headers.getSetCookie().find((cookie) => cookie.startsWith("better-auth.session_token="))!;
    expect(token).toMatch(/; HttpOnly/i);
    expect(token).toMatch(/; SameSite=Lax/i);
    expect(token).not.toMatch(/; Secure/i);
  });
});

describe("session cookies behind https", () => {
  let https: TestServer;
  beforeAll(async () => {
    https = await startServer({
      BETTER_AUTH_URL: "https://auth.example.test",
      COOKIE_PREFIX: "acme",
      COOKIE_SAME_SITE: "none",
    });
  });
  afterAll(() => https?.close());

  it("are Secure, __Secure- prefixed, use the configured prefix, and SameSite=None only with Secure", async () => {
    const response = await fetch(`${https.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: "https://auth.example.test" },
      body: JSON.stringify({ email: uniqueEmail("secure"), password: PASSWORD, name: "Secure" }),
    });
    expect(response.status).toBe(200);
    const token = response.headers.getSetCookie().find((cookie) => cookie.includes("session_token="))!;
    expect(token.startsWith("__Secure-acme.session_token=")).toBe(true);
    expect(token).toMatch(/; Secure/i);
    expect(token).toMatch(/; SameSite=None/i);
    expect(token).toMatch(/; HttpOnly/i);
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../db/schema/index.js";
import { newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startSiteVerify, startTwilio } from "./helpers/provider-stand-ins.js";
import { startServer, type TestServer } from "./helpers/server.js";

const SECRET = "captcha-secret-0123";
const SITE_KEY = "captcha-site-key-abc";
const PASS = "token-the-widget-gave";

let verify: Awaited<ReturnType<typeof startSiteVerify>>;
let twilio: Awaited<ReturnType<typeof startTwilio>>;
let server: TestServer;
beforeAll(async () => {
  verify = await startSiteVerify({ secret: SECRET, passToken: PASS });
  twilio = await startTwilio({ accountSid: "AC0123", authToken: "twilio-token" });
  server = await startServer({
    CAPTCHA_PROVIDER: "hcaptcha",
    CAPTCHA_SECRET_KEY: SECRET,
    CAPTCHA_SITE_KEY: SITE_KEY,
    CAPTCHA_VERIFY_URL: `${verify.url}/siteverify`,
    TWILIO_ACCOUNT_SID: "AC0123",
    TWILIO_AUTH_TOKEN: "twilio-token",
    TWILIO_FROM: "+15005550006",
    TWILIO_API_URL: twilio.url,
  });
});
afterAll(async () => {
  await server?.close();
  await verify?.close();
  await twilio?.close();
});

const post = (target: TestServer, path: string, body: unknown, token?: string) =>
  fetch(`${target.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: target.url, ...(token ? { "x-captcha-response": token } : {}) },
    body: JSON.stringify(body),
  });

const usersWith = async (email: string) => server.database.db.select({ id: user.id }).from(user).where(eq(user.email, email));

/** Every request that signs up, checks a secret, or sends a code or a link. */
const guarded = (email: string): [string, unknown][] => [
  ["/sign-up/email", { email, password: PASSWORD, name: "C" }],
  ["/sign-in/email", { email, password: PASSWORD }],
  ["/sign-in/username", { username: "somebody", password: PASSWORD }],
  ["/sign-in/magic-link", { email, callbackURL: "/" }],
  ["/email-otp/send-verification-otp", { email, type: "sign-in" }],
  ["/email-otp/request-password-reset", { email }],
  ["/request-password-reset", { email, redirectTo: "/reset" }],
  ["/phone-number/send-otp", { phoneNumber: "+14155550123" }],
  ["/sign-in/phone-number", { phoneNumber: "+14155550123", password: PASSWORD }],
];

describe("captcha", () => {
  it("GET /api/auth-config publishes the provider and site key, never the secret", async () => {
    const response = await fetch(`${server.url}/api/auth-config`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ providers: [], captcha: { provider: "hcaptcha", siteKey: SITE_KEY }, phone: true, passkeys: expect.any(Boolean) });
    expect(JSON.stringify(body)).not.toContain(SECRET);
  });

  it("refuses every guarded request without a token, and with a token the provider rejects, and does nothing", async () => {
    const email = uniqueEmail("nocaptcha");
    const sms = twilio.messages.length;
    for (const [path, body] of guarded(email)) {
      const missing = await post(server, path, body);
      expect([path, missing.status, (await missing.json()).code]).toEqual([path, 400, "MISSING_RESPONSE"]);
      const rejected = await post(server, path, body, "forged-token");
      expect([path, rejected.status, (await rejected.json()).code]).toEqual([path, 403, "VERIFICATION_FAILED"]);
    }
    expect(await usersWith(email)).toEqual([]);
    expect(twilio.messages.length).toBe(sms);
  });

  it("lets a request with a passing token through, sending secret, token and client IP form-encoded", async () => {
    const email = uniqueEmail("captcha");
    const before = verify.calls.length;
    const response = await post(server, "/sign-up/email", { email, password: PASSWORD, name: "C" }, PASS);
    expect(response.status).toBe(200);
    expect(await usersWith(email)).toHaveLength(1);
    expect(verify.calls.slice(before)).toEqual([
      { contentType: "application/x-www-form-urlencoded", secret: SECRET, response: PASS, remoteip: "127.0.0.1" },
    ]);
  });

  it("does not ask for a captcha where no secret is checked and nothing is sent", async () => {
    // What the web app does: the widget's token rides on the request as x-captcha-response.
    const withToken: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("x-captcha-response", PASS);
      return fetch(input, { ...init, headers });
    };
    const before = verify.calls.length;
    const client = newClient(server, { fetch: withToken });
    const signedUp = await client.auth.signUp.email({ email: uniqueEmail("session"), password: PASSWORD, name: "S" });
    expect(signedUp.error).toBeNull();
    expect((await client.auth.getSession()).data?.user).toBeTruthy();
    expect((await client.auth.signOut()).error).toBeNull();
    // One check for the sign-up, none for reading or ending the session.
    expect(verify.calls.length).toBe(before + 1);
  });

  it("answers 503 and lets nobody in while the provider is down", async () => {
    verify.state.mode = "down";
    try {
      const email = uniqueEmail("down");
      const response = await post(server, "/sign-up/email", { email, password: PASSWORD, name: "C" }, PASS);
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.json()).toEqual({ code: "CAPTCHA_UNAVAILABLE", message: expect.stringMatching(/captcha could not be checked/) });
      expect(await usersWith(email)).toEqual([]);
    } finally {
      verify.state.mode = "up";
    }
  });

  it.each(["cloudflare-turnstile", "google-recaptcha"])("speaks %s's siteverify too, and answers 503 when it cannot be reached", async (provider) => {
    {
      const own = await startSiteVerify({ secret: SECRET, passToken: PASS });
      const other = await startServer({
        CAPTCHA_PROVIDER: provider,
        CAPTCHA_SECRET_KEY: SECRET,
        CAPTCHA_SITE_KEY: SITE_KEY,
        CAPTCHA_VERIFY_URL: `${own.url}/siteverify`,
      });
      try {
        expect((await post(other, "/request-password-reset", { email: uniqueEmail(provider), redirectTo: "/reset" }, "wrong")).status).toBe(403);
        expect((await post(other, "/request-password-reset", { email: uniqueEmail(provider), redirectTo: "/reset" }, PASS)).status).toBe(200);
        expect(own.calls.map(({ secret, response, remoteip }) => ({ secret, response, remoteip }))).toEqual([
          { secret: SECRET, response: "wrong", remoteip: "127.0.0.1" },
          { secret: SECRET, response: PASS, remoteip: "127.0.0.1" },
        ]);
        expect((await (await fetch(`${other.url}/api/auth-config`)).json()).captcha).toEqual({ provider, siteKey: SITE_KEY });

        await own.close();
        const email = uniqueEmail("unreachable");
        const response = await post(other, "/sign-up/email", { email, password: PASSWORD, name: "U" }, PASS);
        expect(response.status).toBe(503);
        expect((await response.json()).code).toBe("CAPTCHA_UNAVAILABLE");
        expect(other.logs().some((line) => JSON.stringify(line).includes(SECRET))).toBe(false);
      } finally {
        await other.close();
        await own.close();
      }
    }
  }, 120_000);

  it("is off when not configured: no widget published, no token asked", { timeout: 120_000 }, async () => {
    const plain = await startServer();
    try {
      expect((await (await fetch(`${plain.url}/api/auth-config`)).json()).captcha).toBeNull();
      expect((await post(plain, "/sign-up/email", { email: uniqueEmail("plain"), password: PASSWORD, name: "P" })).status).toBe(200);
    } finally {
      await plain.close();
    }
  });
});

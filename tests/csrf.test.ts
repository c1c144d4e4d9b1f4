import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userSettings } from "../db/schema/index.js";
import { cookieOf, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

const APP_ORIGIN = "http://app.example.test";
const EVIL_ORIGIN = "http://evil.example.test";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ TRUSTED_ORIGINS: APP_ORIGIN });
});
afterAll(() => server?.close());

async function victim() {
  const signedUp = await signedUpClient(server, "victim");
  return { ...signedUp, cookie: await cookieOf(signedUp.client, server) };
}

const settingsRows = (userId: string) =>
  server.database.db.select().from(userSettings).where(eq(userSettings.userId, userId));

describe("the tRPC CSRF guard", () => {
  it("refuses a cookie-bearing multipart form post with 415 and writes nothing", async () => {
    const { cookie, userId } = await victim();
    const form = new FormData();
    form.set("theme", "dark");
    const response = await fetch(`${server.url}/trpc/settings.update`, { method: "POST", headers: { cookie }, body: form });
    expect(response.status).toBe(415);
    expect(await settingsRows(userId)).toEqual([]);
  });

  it("refuses text/plain and urlencoded posts (the other 'simple' content types) with 415", async () => {
    const { cookie } = await victim();
    for (const type of ["text/plain", "application/x-www-form-urlencoded"]) {
      const response = await fetch(`${server.url}/trpc/settings.update`, {
        method: "POST",
        headers: { cookie, "content-type": type },
        body: JSON.stringify({ json: { theme: "dark" } }),
      });
      expect(response.status).toBe(415);
    }
  });

  it("refuses a cookie-bearing JSON post from a foreign origin with 403 and writes nothing", async () => {
    const { cookie, userId } = await victim();
    const attempts: Record<string, string>[] = [{ origin: EVIL_ORIGIN }, { origin: "null" }, { "sec-fetch-site": "cross-site" }];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/trpc/settings.update`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json", ...headers },
        body: JSON.stringify({ json: { theme: "dark" } }),
      });
      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({ code: "INVALID_ORIGIN", message: "Calls that carry a cookie must come from a trusted origin" });
    }
    expect(await settingsRows(userId)).toEqual([]);
  });

  it("accepts the same post from a trusted origin", async () => {
    const { cookie, userId } = await victim();
    const response = await fetch(`${server.url}/trpc/settings.update`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: APP_ORIGIN },
      body: JSON.stringify({ json: { theme: "dark" } }),
    });
    expect(response.status).toBe(200);
    expect(await settingsRows(userId)).toMatchObject([{ theme: "dark" }]);
  });
});

describe("CORS", () => {
  it("allows credentials for trusted origins only", async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}/trpc/settings.update`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
      });
    const trusted = await preflight(APP_ORIGIN);
    expect(trusted.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
    expect(trusted.headers.get("access-control-allow-credentials")).toBe("true");
    const foreign = await preflight(EVIL_ORIGIN);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("Better Auth's own origin check (on, although NODE_ENV=test)", () => {
  it("refuses a cookie-bearing sign-out and profile change from a foreign origin", async () => {
    const { client, cookie } = await victim();
    const signOut = await fetch(`${server.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie, origin: EVIL_ORIGIN, "content-type": "application/json" },
      body: "{}",
    });
    expect(signOut.status).toBe(403);
    const update = await fetch(`${server.url}/api/auth/update-user`, {
      method: "POST",
      headers: { cookie, origin: EVIL_ORIGIN, "content-type": "application/json" },
      body: JSON.stringify({ name: "pwned" }),
    });
    expect(update.status).toBe(403);
    const me = await client.api.me.get.query();
    expect(me.name).toBe("victim");
  });
});

import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../db/schema/index.js";
import { cookieOf, PASSWORD, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { sha1, startPwnedPasswords } from "./helpers/provider-stand-ins.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { linkIn, startSmtpServer } from "./helpers/smtp.js";

const BREACHED = "monkey business 1987";
const CLEAN = "a passphrase nobody has leaked";

let hibp: Awaited<ReturnType<typeof startPwnedPasswords>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  hibp = await startPwnedPasswords([BREACHED]);
  smtp = await startSmtpServer();
  server = await startServer({ HIBP_CHECK: "true", HIBP_BASE_URL: hibp.url, SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
  await hibp?.close();
});

const post = (target: TestServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${target.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: target.url, ...headers },
    body: JSON.stringify(body),
  });

const usersWith = (target: TestServer, email: string) => target.database.db.select({ id: user.id }).from(user).where(eq(user.email, email));

const COMPROMISED = { code: "PASSWORD_COMPROMISED", message: expect.stringMatching(/appeared in a data breach/) };

describe("breached passwords", () => {
  it("refuses a breached password at sign-up and accepts a clean one", async () => {
    const email = uniqueEmail("breached");
    const refused = await post(server, "/sign-up/email", { email, password: BREACHED, name: "B" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject(COMPROMISED);
    expect(await usersWith(server, email)).toEqual([]);
    expect((await post(server, "/sign-up/email", { email, password: CLEAN, name: "B" })).status).toBe(200);
  });

  it("sends only the hash's first five characters, asking for padding", async () => {
    const before = hibp.seen.length;
    await post(server, "/sign-up/email", { email: uniqueEmail("prefix"), password: CLEAN, name: "P" });
    const seen = hibp.seen.slice(before);
    expect(seen).toEqual([{ path: `/range/${sha1(CLEAN).slice(0, 5)}`, padding: "true" }]);
    for (const { path } of hibp.seen) {
      expect(path).toMatch(/^\/range\/[0-9A-F]{5}$/);
      expect(path).not.toContain(sha1(CLEAN).slice(5, 10));
    }
  });

  it("refuses a breached password on change, reset and admin set", async () => {
    const { client, userId, email } = await signedUpClient(server, "changer");
    const changed = await client.auth.changePassword({ currentPassword: PASSWORD, newPassword: BREACHED });
    expect(changed.error).toMatchObject(COMPROMISED);

    await post(server, "/request-password-reset", { email, redirectTo: "/reset" });
    const token = new URL(linkIn(await smtp.waitFor(email, /Reset your password/))).pathname.split("/").pop()!;
    const reset = await post(server, "/reset-password", { token, newPassword: BREACHED });
    expect([reset.status, await reset.json()]).toEqual([400, COMPROMISED]);
    // The refusal spends nothing: the same link sets a clean password.
    expect((await post(server, "/reset-password", { token, newPassword: CLEAN })).status).toBe(200);

    const admin = await signedUpClient(server, "admin");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, admin.userId));
    const cookie = await cookieOf(admin.client, server);
    const set = await post(server, "/admin/set-user-password", { userId, newPassword: BREACHED }, { cookie });
    expect([set.status, await set.json()]).toEqual([400, COMPROMISED]);
    const signIn = await post(server, "/sign-in/email", { email, password: CLEAN });
    expect(signIn.status).toBe(200);
  });

  it("does not check a password at sign-in", async () => {
    const { email } = await signedUpClient(server, "signin");
    const before = hibp.seen.length;
    expect((await post(server, "/sign-in/email", { email, password: PASSWORD })).status).toBe(200);
    expect(hibp.seen.length).toBe(before);
  });

  it("accepts the password with a warning when the API fails (fail open)", async () => {
    hibp.state.mode = "down";
    try {
      const email = uniqueEmail("open");
      expect((await post(server, "/sign-up/email", { email, password: BREACHED, name: "O" })).status).toBe(200);
      expect(server.logs().findLast((line) => line.msg?.startsWith("breached-password check unavailable"))).toMatchObject({
        level: 40,
        path: "/sign-up/email",
        failClosed: false,
      });
    } finally {
      hibp.state.mode = "up";
    }
    expect(JSON.stringify(server.logs())).not.toContain(BREACHED);
  });

  it("refuses with a 503 when configured to fail closed and the API cannot be reached", { timeout: 120_000 }, async () => {
    const closed = await startServer({ HIBP_CHECK: "true", HIBP_FAIL_CLOSED: "true", HIBP_BASE_URL: "http://127.0.0.1:9" });
    try {
      const email = uniqueEmail("closed");
      const response = await post(closed, "/sign-up/email", { email, password: CLEAN, name: "C" });
      expect(response.status).toBe(503);
      expect(response.headers.get("retry-after")).toBe("5");
      expect(await response.json()).toEqual({ code: "PASSWORD_CHECK_UNAVAILABLE", message: expect.stringMatching(/could not be checked/) });
      expect(await usersWith(closed, email)).toEqual([]);
    } finally {
      await closed.close();
    }
  });

  it("is off outside production unless HIBP_CHECK turns it on", { timeout: 120_000 }, async () => {
    const off = await startServer({ HIBP_BASE_URL: hibp.url });
    try {
      const before = hibp.seen.length;
      expect((await post(off, "/sign-up/email", { email: uniqueEmail("off"), password: BREACHED, name: "F" })).status).toBe(200);
      expect(hibp.seen.length).toBe(before);
    } finally {
      await off.close();
    }
  });
});

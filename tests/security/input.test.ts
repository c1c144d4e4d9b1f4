import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../../db/schema/index.js";
import { loadConfig } from "../../server/config.js";
import { cookieOf, newClient, PASSWORD, signedUpClient, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, cookie?: string) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...(cookie ? { cookie } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const userRows = (email: string) => server.database.db.select().from(user).where(eq(user.email, email));

describe("passwords", () => {
  it("refuses one of the most common passwords at sign-up, writing nothing", async () => {
    const email = uniqueEmail("common");
    const response = await post("/api/auth/sign-up/email", { email, password: "password123", name: "Common" });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe("PASSWORD_TOO_COMMON");
    expect(await userRows(email)).toEqual([]);
  });

  it("refuses a common password as a new password too", async () => {
    const { client } = await signedUpClient(server, "changer");
    const response = await post(
      "/api/auth/change-password",
      { currentPassword: PASSWORD, newPassword: "iloveyou123" },
      await cookieOf(client, server),
    );
    expect(response.status).toBe(400);
  });

  it("enforces 8..128 characters without truncating, and normalises Unicode", async () => {
    const short = await post("/api/auth/sign-up/email", { email: uniqueEmail("short"), password: "seven77", name: "S" });
    expect(short.status).toBe(400);
    const long = await post("/api/auth/sign-up/email", { email: uniqueEmail("long"), password: "x".repeat(129), name: "L" });
    expect(long.status).toBe(400);

    // 128 characters are kept whole: a password differing only in its last character fails.
    const email = uniqueEmail("max");
    const max = `${"a1b2c3d4".repeat(15)}zyxwvuts`;
    expect((await post("/api/auth/sign-up/email", { email, password: max, name: "Max" })).status).toBe(200);
    expect((await newClient(server).auth.signIn.email({ email, password: `${max.slice(0, 127)}!` })).error?.status).toBe(401);
    expect((await newClient(server).auth.signIn.email({ email, password: max })).error).toBeNull();

    // "é" typed as one code point or as e + combining accent is the same password.
    const accented = uniqueEmail("accent");
    await post("/api/auth/sign-up/email", { email: accented, password: "caf\u00e9 au lait please", name: "A" });
    expect((await newClient(server).auth.signIn.email({ email: accented, password: "cafe\u0301 au lait please" })).error).toBeNull();
  });
});

describe("emails", () => {
  it("are normalised to lower case: sign-up and sign-in in any case reach one account", async () => {
    const local = uniqueEmail("MiXeD").replace("@example.com", "");
    const response = await post("/api/auth/sign-up/email", { email: `${local}@Example.COM`, password: PASSWORD, name: "M" });
    expect(response.status).toBe(200);
    expect(await userRows(`${local.toLowerCase()}@example.com`)).toHaveLength(1);
    const again = await newClient(server).auth.signIn.email({ email: `${local.toUpperCase()}@EXAMPLE.com`, password: PASSWORD });
    expect(again.error).toBeNull();
  });

  it("refuses comma lists and look-alike @ signs", async () => {
    for (const email of ["a@example.com,b@example.com", "a@example.com, b@example.com", "ada\uff20example.com", "ada\ufe6bexample.com"]) {
      const response = await post("/api/auth/sign-up/email", { email, password: PASSWORD, name: "X" });
      expect(response.status).toBe(400);
    }
  });
});

describe("mass assignment", () => {
  it("ignores or refuses server-owned fields at sign-up and in profile updates", async () => {
    const email = uniqueEmail("mass");
    const response = await post("/api/auth/sign-up/email", {
      email,
      password: PASSWORD,
      name: "Mass",
      role: "admin",
      emailVerified: true,
      banned: false,
      id: "chosen-id",
      userId: "someone-else",
    });
    if (response.status === 200) {
      const [row] = await userRows(email);
      expect(row).toMatchObject({ role: "user", emailVerified: false });
      expect(row!.id).not.toBe("chosen-id");
    } else {
      expect(response.status).toBe(400);
      expect(await userRows(email)).toEqual([]);
    }

    const { client, userId } = await signedUpClient(server, "updater");
    const cookie = await cookieOf(client, server);
    const update = await post("/api/auth/update-user", { name: "ok", role: "admin", emailVerified: true, banned: true }, cookie);
    expect([200, 400]).toContain(update.status);
    const [row] = await server.database.db.select().from(user).where(eq(user.id, userId));
    expect(row).toMatchObject({ role: "user", emailVerified: false, banned: false });

    const trpc = await post("/trpc/me.update", { json: { name: "x", role: "admin" } }, cookie);
    expect(trpc.status).toBe(400);
  });
});

describe("prototype pollution", () => {
  it("never reaches Object.prototype through JSON bodies or superjson meta", async () => {
    const { client } = await signedUpClient(server, "proto");
    const cookie = await cookieOf(client, server);
    const payloads = [
      '{"__proto__":{"polluted":"yes"},"email":"p@example.com","password":"x","name":"p"}',
      '{"constructor":{"prototype":{"polluted":"yes"}},"email":"p@example.com","password":"x","name":"p"}',
    ];
    for (const body of payloads) await post("/api/auth/sign-up/email", body);
    for (const body of [
      '{"json":{"__proto__":{"polluted":"yes"},"theme":"dark"}}',
      '{"json":{"theme":"dark"},"meta":{"values":{"__proto__.polluted":["Date"]}}}',
      '{"json":{"theme":"dark"},"meta":{"referentialEqualities":{"constructor.prototype.polluted":["theme"]}}}',
    ]) {
      const response = await post("/trpc/settings.update", body, cookie);
      expect(response.status).toBeLessThan(500);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });
});

describe("configuration of cookies", () => {
  it("refuses SameSite=None without an https base URL", () => {
    expect(() => loadConfig({ COOKIE_SAME_SITE: "none" })).toThrow(/COOKIE_SAME_SITE none needs an https BETTER_AUTH_URL/);
    expect(loadConfig({ COOKIE_SAME_SITE: "none", BETTER_AUTH_URL: "https://auth.example.com" }).cookies.sameSite).toBe("none");
  });
});

import { createLocalJWKSet, exportJWK, generateKeyPair, type JWK, jwtVerify } from "jose";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../../db/schema/index.js";
import { createServiceClient } from "../../sdk/src/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

const ADMIN_AGENT = "AdminBrowser/1.0";
let server: TestServer;
let billingKey: JWK;
let admin: { cookie: string; userId: string };
let member: Awaited<ReturnType<typeof signedUpClient>> & { cookie: string };
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  billingKey = await exportJWK(privateKey);
  server = await startServer({
    SERVICES_JSON: JSON.stringify({ services: { billing: { keys: [await exportJWK(publicKey)], permissions: ["sessions:introspect"] } } }),
  });
  const root = await signedUpClient(server, "admin");
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, root.userId));
  const signedIn = newClient(server);
  expect((await signedIn.auth.signIn.email({ email: root.email, password: PASSWORD })).error).toBeNull();
  admin = { cookie: await cookieOf(signedIn, server), userId: root.userId };
  const signedUp = await signedUpClient(server, "member");
  member = { ...signedUp, cookie: await cookieOf(signedUp.client, server) };
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: server.url, ...headers }, body: JSON.stringify(body) });

/** The admin impersonates the member; the impersonation session's cookies. */
async function impersonate() {
  const response = await post("/api/auth/admin/impersonate-user", { userId: member.userId }, { cookie: admin.cookie, "user-agent": ADMIN_AGENT });
  expect(response.status).toBe(200);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";")[0]!)
    .filter((cookie) => !cookie.endsWith("="))
    .join("; ");
}

async function jwtFor(cookie: string) {
  const response = await fetch(`${server.url}/api/auth/token`, { headers: { cookie } });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  const jwks = createLocalJWKSet(await (await fetch(`${server.url}/api/auth/jwks`)).json());
  return (await jwtVerify(token, jwks, { issuer: server.url, audience: server.url })).payload;
}

describe("smaller findings", () => {
  it("introspect answers a malformed token as inactive, not with a 500", async () => {
    const billing = createServiceClient({ baseUrl: server.url, service: "billing", privateKey: billingKey });
    for (const token of ["%E0%A4%A", "%", "%%.x"]) expect(await billing.sessions.introspect.mutate({ token })).toEqual({ active: false });
  });

  it("/api/auth/update-user refuses an image that is not an http(s) URL, and stores nothing", async () => {
    for (const image of ["javascript:alert(document.cookie)", "data:text/html,<script>alert(1)</script>", "not a url"]) {
      const response = await post("/api/auth/update-user", { image }, { cookie: member.cookie });
      expect({ image, status: response.status, code: ((await response.json()) as { code?: string }).code }).toEqual({
        image,
        status: 400,
        code: "INVALID_IMAGE_URL",
      });
    }
    const [stored] = await server.database.db.select({ image: user.image }).from(user).where(eq(user.id, member.userId));
    expect(stored!.image).toBeNull();
    expect((await post("/api/auth/update-user", { image: "https://images.example/me.png" }, { cookie: member.cookie })).status).toBe(200);
  });

  it("a JWT carries a jti and no ban fields, and says who really acts while impersonating", async () => {
    const own = await jwtFor(member.cookie);
    const again = await jwtFor(member.cookie);
    expect(own).toMatchObject({ sub: member.userId, email: member.email });
    expect(typeof own.jti).toBe("string");
    expect(again.jti).not.toBe(own.jti);
    for (const field of ["banned", "banReason", "banExpires", "act"]) expect({ field, present: field in own }).toEqual({ field, present: false });

    const impersonated = await jwtFor(await impersonate());
    expect(impersonated).toMatchObject({ sub: member.userId, act: { sub: admin.userId } });
  });

  it("a user's security events show an admin's actions as the admin's, without the admin's IP or agent", async () => {
    await impersonate();
    const { events } = await member.client.api.me.securityEvents.query({ limit: 100 });
    const start = events.find((event) => event.action === "admin.impersonation_start");
    expect(start).toMatchObject({ byAdmin: true, ip: null, userAgent: null });
    expect(events.some((event) => event.userAgent === ADMIN_AGENT)).toBe(false);
    expect(events.find((event) => event.action === "user.sign_up")).toMatchObject({ byAdmin: false, ip: expect.any(String) });
  });
});

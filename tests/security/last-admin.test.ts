import { and, desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, user } from "../../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

let server: TestServer;
let admin: { cookie: string; userId: string };
let member: { cookie: string; userId: string };
beforeAll(async () => {
  server = await startServer();
  const root = await signedUpClient(server, "sole-admin");
  await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, root.userId));
  // A new sign-in, so the session reads the admin role.
  const signedIn = newClient(server);
  expect((await signedIn.auth.signIn.email({ email: root.email, password: PASSWORD })).error).toBeNull();
  admin = { cookie: await cookieOf(signedIn, server), userId: root.userId };
  const other = await signedUpClient(server, "member");
  member = { cookie: await cookieOf(other.client, server), userId: other.userId };
});
afterAll(() => server?.close());

async function post(path: string, body: unknown, cookie?: string) {
  const response = await fetch(`${server.url}/api/auth${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json().catch(() => null)) as { code?: string } | null;
  return { status: response.status, code: answer?.code };
}

const row = async (id: string) => (await server.database.db.select().from(user).where(eq(user.id, id)))[0]!;

describe("the last admin", () => {
  it("cannot be demoted or banned through /admin/update-user", async () => {
    expect(await post("/admin/update-user", { userId: admin.userId, data: { role: "user" } }, admin.cookie)).toEqual({ status: 400, code: "LAST_ADMIN" });
    expect(await post("/admin/update-user", { userId: admin.userId, data: { role: ["user"] } }, admin.cookie)).toEqual({ status: 400, code: "LAST_ADMIN" });
    expect((await post("/admin/update-user", { userId: admin.userId, data: { banned: true } }, admin.cookie)).status).toBe(400);
    expect(await row(admin.userId)).toMatchObject({ role: "admin", banned: false });
  });

  it("is not revealed to callers who may not administer: they get Better Auth's own refusal", async () => {
    for (const path of ["/admin/set-role", "/admin/ban-user", "/admin/remove-user", "/admin/update-user"]) {
      const body = { userId: admin.userId, role: "user", data: { role: "user" } };
      const anonymous = await post(path, body);
      expect({ path, status: anonymous.status, lastAdmin: anonymous.code === "LAST_ADMIN" }).toEqual({ path, status: 401, lastAdmin: false });
      const nonAdmin = await post(path, body, member.cookie);
      expect({ path, status: nonAdmin.status, lastAdmin: nonAdmin.code === "LAST_ADMIN" }).toEqual({ path, status: 403, lastAdmin: false });
    }
    expect(await row(admin.userId)).toMatchObject({ role: "admin", banned: false });
  });
});

describe("an admin's update-user", () => {
  it("is audited with the fields it changed and the new role", async () => {
    expect((await post("/admin/update-user", { userId: member.userId, data: { name: "Renamed", role: "user" } }, admin.cookie)).status).toBe(200);
    const [event] = await server.database.db
      .select()
      .from(auditEvent)
      .where(and(eq(auditEvent.action, "admin.user_update"), eq(auditEvent.targetId, member.userId)))
      .orderBy(desc(auditEvent.occurredAt))
      .limit(1);
    expect(event).toMatchObject({ actorUserId: admin.userId, detail: { fields: ["name", "role"], role: "user" } });
  });
});

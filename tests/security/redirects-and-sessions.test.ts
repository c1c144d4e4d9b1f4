import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user } from "../../db/schema/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";

const APP = "https://app.example.test";
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ TRUSTED_ORIGINS: APP });
});
afterAll(() => server?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...headers },
    body: JSON.stringify(body),
    redirect: "manual",
  });

describe("redirect targets", () => {
  const BYPASSES = [
    "https://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://app.example.test@evil.example",
    "https://app.example.test.evil.example",
    "https://evil.example/https://app.example.test",
    "https:evil.example",
    "%2F%2Fevil.example",
    "javascript:alert(document.domain)",
    "data:text/html,<script>alert(1)</script>",
  ];

  it("accept our own origins and paths", async () => {
    const { email } = await signedUpClient(server, "redirect");
    for (const callbackURL of [`${APP}/dashboard`, "/dashboard"]) {
      const response = await post("/api/auth/sign-in/email", { email, password: PASSWORD, callbackURL });
      expect(response.status).toBe(200);
    }
  });

  it("refuse the classic bypasses, signing nobody in", async () => {
    const { email } = await signedUpClient(server, "bypass");
    for (const callbackURL of BYPASSES) {
      const response = await post("/api/auth/sign-in/email", { email, password: PASSWORD, callbackURL });
      expect({ callbackURL, status: response.status }).toEqual({ callbackURL, status: 403 });
      expect(response.headers.getSetCookie().filter((cookie) => cookie.includes("session_token="))).toEqual([]);
    }
  });
});

describe("sessions", () => {
  it("get a new id and token on every sign-in, even when a session cookie is presented", async () => {
    const { client, email } = await signedUpClient(server, "fixation");
    const before = (await client.api.session.get.query())!.session.id;
    const oldCookie = await cookieOf(client, server);
    const response = await post("/api/auth/sign-in/email", { email, password: PASSWORD }, { cookie: oldCookie });
    expect(response.status).toBe(200);
    const fresh = response.headers.getSetCookie().find((cookie) => cookie.includes("session_token="))!;
    expect(oldCookie).not.toContain(fresh.split(";")[0]!);
    const rows = await server.database.db.select({ id: session.id }).from(session).innerJoin(user, eq(user.id, session.userId)).where(eq(user.email, email));
    expect(rows.map((row) => row.id)).toContain(before);
    expect(rows).toHaveLength(2);
  });
});

describe("concurrency", () => {
  it("20 concurrent sign-ups with one email make exactly one account and no 5xx", async () => {
    const email = uniqueEmail("race");
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post("/api/auth/sign-up/email", { email, password: PASSWORD, name: "Race" })),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status >= 500)).toEqual([]);
    expect(statuses.filter((status) => status === 200)).toHaveLength(1);
    expect(await server.database.db.select().from(user).where(eq(user.email, email))).toHaveLength(1);
    expect((await newClient(server).auth.signIn.email({ email, password: PASSWORD })).error).toBeNull();
  });
});

describe("request size limits", () => {
  it("refuse an oversized URL and an oversized batch path without a 5xx", async () => {
    const long = await fetch(`${server.url}/trpc/${"health,".repeat(4000)}health?batch=1`);
    expect([400, 414, 431]).toContain(long.status);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ BODY_LIMIT: "4096", TRPC_MAX_BATCH_SIZE: "10" });
});
afterAll(() => server?.close());

const json = (body: string, cookie?: string) => ({
  method: "POST",
  headers: { "content-type": "application/json", origin: server.url, ...(cookie ? { cookie } : {}) },
  body,
});

describe("request limits and malformed input", () => {
  it("answers malformed JSON with 400 on tRPC and on Better Auth", async () => {
    const { client } = await signedUpClient(server, "malformed");
    const cookie = await cookieOf(client, server);
    const trpc = await fetch(`${server.url}/trpc/settings.update`, json("{not json", cookie));
    expect(trpc.status).toBe(400);
    const auth = await fetch(`${server.url}/api/auth/sign-in/email`, json('{"email":'));
    expect(auth.status).toBe(400);
  });

  it("answers a body over the limit with 413", async () => {
    const big = JSON.stringify({ json: { name: "x".repeat(10_000) } });
    const trpc = await fetch(`${server.url}/trpc/me.update`, json(big));
    expect(trpc.status).toBe(413);
    const auth = await fetch(`${server.url}/api/auth/sign-up/email`, json(big));
    expect(auth.status).toBe(413);
  });

  it("refuses a batch larger than maxBatchSize and serves a long batched GET", async () => {
    const tooMany = Array.from({ length: 11 }, () => "health").join(",");
    const refused = await fetch(`${server.url}/trpc/${tooMany}?batch=1&input={}`);
    expect(refused.status).toBe(400);

    const paths = Array.from({ length: 10 }, () => "session.get").join(",");
    const input = encodeURIComponent(JSON.stringify(Object.fromEntries(Array.from({ length: 10 }, (_, i) => [i, { json: null }]))));
    const allowed = await fetch(`${server.url}/trpc/${paths}?batch=1&input=${input}`);
    expect(allowed.status).toBe(200);
    expect(await allowed.json()).toHaveLength(10);
  });

  it("answers an unknown procedure with 404", async () => {
    const response = await fetch(`${server.url}/trpc/nope.nothing`);
    expect(response.status).toBe(404);
  });
});

describe("production error bodies", () => {
  let prod: TestServer;
  beforeAll(async () => {
    prod = await startServer({ NODE_ENV: "production", TRUSTED_ORIGINS: "http://app.example.test", REQUIRE_EMAIL_VERIFICATION: "false", MAIL_DISABLED: "true" });
  });
  afterAll(() => prod?.close());

  it("carry no stack, SQL or driver text when the database fails under a query", async () => {
    const { client, email } = await signedUpClient(prod, "prod");
    const cookie = await cookieOf(client, prod);
    // A second session that no route has read yet, so nothing about it is cached.
    const second = newClient(prod);
    await second.auth.signIn.email({ email, password: PASSWORD });
    const unreadCookie = await cookieOf(second, prod);
    // Break the database under the running service: the queries now fail inside the driver.
    await prod.database.db.execute("drop table user_settings");
    const trpc = await fetch(`${prod.url}/trpc/settings.get`, { headers: { cookie } });
    expect(trpc.status).toBe(500);
    const trpcBody = await trpc.text();
    expect(JSON.parse(trpcBody).error.json.message).toBe("Internal server error");
    expect(trpcBody).not.toMatch(/user_settings|select|relation|stack|at \w+ \(/i);

    await prod.database.db.execute('drop table "session" cascade');
    const rest = await fetch(`${prod.url}/api/session`, { headers: { cookie: unreadCookie } });
    expect(rest.status).toBe(500);
    const restBody = await rest.text();
    expect(JSON.parse(restBody)).toEqual({ code: "INTERNAL_SERVER_ERROR", message: "Internal server error" });

    const signIn = await fetch(`${prod.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: prod.url },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    expect(signIn.status).toBeGreaterThanOrEqual(500);
    const signInBody = await signIn.text();
    expect(signInBody).not.toMatch(/session|select|relation|query|stack/i);
  });
});

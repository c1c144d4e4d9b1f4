import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { user } from "../db/schema/index.js";
import { createClient, isForbidden, isNetworkError, isRateLimited, isUnauthorized, type KeywayClient, toKeywayError } from "../sdk/src/index.js";
import { newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { freePort } from "./helpers/server-process.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ LOCKOUT_MAX_FAILURES: "2", SELF_SERVICE_WRITES_PER_MINUTE: "2" });
});
afterAll(async () => {
  await server?.close();
});

/** What a caller can tell of a failure, whichever surface it came from. */
const seen = (error: unknown) => ({
  ...toKeywayError(error),
  code: toKeywayError(error).code,
  status: toKeywayError(error).status,
  unauthorized: isUnauthorized(error),
  forbidden: isForbidden(error),
  rateLimited: isRateLimited(error),
  network: isNetworkError(error),
});
const none = { unauthorized: false, forbidden: false, rateLimited: false, network: false };

const thrown = (call: Promise<unknown>) =>
  call.then(
    () => expect.unreachable("the call succeeded"),
    (error: unknown) => error,
  );

/** A client that sends an API key on every request, as a script holding one would. */
const apiKeyClient = (key: string): KeywayClient =>
  createClient({
    baseUrl: server.url,
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set("x-api-key", key);
      return fetch(input, { ...init, headers });
    },
  });

describe("one error model for c.auth and c.api", () => {
  it("a server that is down is a network error on both surfaces, never a bare TypeError", async () => {
    const down = createClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, retries: 0 });
    const auth = await down.auth.signIn.email({ email: "nobody@example.com", password: PASSWORD });
    expect(auth.data).toBeNull();
    expect(seen(auth.error)).toMatchObject({ ...none, network: true, code: "NETWORK_ERROR", status: 0 });
    expect(auth.error).toBeInstanceOf(Error);
    const api = await thrown(down.api.me.get.query());
    expect(seen(api)).toMatchObject({ ...none, network: true, code: "NETWORK_ERROR", status: 0 });
    expect(seen(await thrown(down.api.settings.update.mutate({ theme: "dark" })))).toMatchObject({ network: true, status: 0 });
  });

  it("401: a wrong password on auth, no session on the API", async () => {
    const { email } = await signedUpClient(server, "errors-401");
    const auth = await newClient(server).auth.signIn.email({ email, password: "not the password at all" });
    expect(seen(auth.error)).toMatchObject({ ...none, unauthorized: true, code: "INVALID_EMAIL_OR_PASSWORD", status: 401 });
    const api = await thrown(newClient(server).api.me.get.query());
    expect(seen(api)).toMatchObject({ ...none, unauthorized: true, code: "UNAUTHORIZED", status: 401 });
  });

  it("401 with the server's code: an impersonation whose admin was demoted has ended", async () => {
    const target = await signedUpClient(server, "errors-impersonated");
    const admin = await signedUpClient(server, "errors-impersonator");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, admin.userId));
    await admin.client.api.admin.users.impersonate.mutate({ userId: target.userId });
    expect((await admin.client.api.me.get.query()).email).toBe(target.email);
    await server.database.db.update(user).set({ role: "user" }).where(eq(user.id, admin.userId));
    const ended = await thrown(admin.client.api.me.get.query());
    expect(seen(ended)).toMatchObject({ ...none, unauthorized: true, code: "IMPERSONATION_ENDED", status: 401 });
  });

  it("403: a banned account on both surfaces, an API key on the authentication endpoints", async () => {
    const signedIn = await signedUpClient(server, "errors-403");
    const key = await signedIn.client.api.apiKeys.create.mutate({ name: "script" });
    await server.database.db.update(user).set({ banned: true }).where(eq(user.id, signedIn.userId));

    const api = await thrown(signedIn.client.api.me.get.query());
    expect(seen(api)).toMatchObject({ ...none, forbidden: true, code: "BANNED_USER", status: 403 });
    const auth = await newClient(server).auth.signIn.email({ email: signedIn.email, password: PASSWORD });
    expect(seen(auth.error)).toMatchObject({ ...none, forbidden: true, code: "BANNED_USER", status: 403 });

    const withKey = await apiKeyClient(key.key).auth.listSessions();
    expect(seen(withKey.error)).toMatchObject({ ...none, forbidden: true, code: "API_KEY_NOT_ALLOWED", status: 403 });
  });

  it("429: an account locked after failed sign-ins, too many changes on the API", async () => {
    const { client, email } = await signedUpClient(server, "errors-429");
    const guesser = newClient(server);
    for (let attempt = 0; attempt < 2; attempt++) await guesser.auth.signIn.email({ email, password: "a wrong guess here" });
    const locked = await guesser.auth.signIn.email({ email, password: PASSWORD });
    expect(seen(locked.error)).toMatchObject({ ...none, rateLimited: true, code: "ACCOUNT_TEMPORARILY_LOCKED", status: 429 });

    await client.api.settings.update.mutate({ theme: "dark" });
    await client.api.settings.update.mutate({ theme: "light" });
    const api = await thrown(client.api.settings.update.mutate({ theme: "dark" }));
    expect(seen(api)).toMatchObject({ ...none, rateLimited: true, code: "TOO_MANY_REQUESTS", status: 429 });
  });

  it("a call refused before tRPC reads it carries the code and message of keyway's {code, message} body", async () => {
    const { client } = await signedUpClient(server, "errors-413");
    const tooLarge = await thrown(client.api.me.update.mutate({ name: "x".repeat(1_100_000) }));
    expect(seen(tooLarge)).toMatchObject({ ...none, code: "PAYLOAD_TOO_LARGE", status: 413 });
    expect(tooLarge).toMatchObject({ name: "TRPCClientError", message: "Request body is too large" });
  });

  it("keeps what callers read before: the message, tRPC's data, Better Auth's statusText", async () => {
    const api = await thrown(newClient(server).api.me.get.query());
    expect(api).toMatchObject({ name: "TRPCClientError", message: "Sign in to continue", data: { code: "UNAUTHORIZED", httpStatus: 401, reason: null } });
    const auth = await newClient(server).auth.signIn.email({ email: "nobody-here@example.com", password: PASSWORD });
    expect(auth.error).toMatchObject({ status: 401, statusText: "Unauthorized", message: "Invalid email or password" });
  });
});

describe("an instance shutting down", () => {
  it("answers SERVICE_UNAVAILABLE (503) on both surfaces; a query is tried again first, as when the server is not reached", async () => {
    const client = createClient({ baseUrl: server.url, retries: 1 });
    server.app.startDraining();
    const before = server.requestCount();
    const api = await thrown(client.api.health.query());
    expect(seen(api)).toMatchObject({ ...none, code: "SERVICE_UNAVAILABLE", status: 503 });
    expect(server.requestCount() - before).toBe(2);
    const auth = await client.auth.signIn.email({ email: "nobody@example.com", password: PASSWORD });
    expect(seen(auth.error)).toMatchObject({ ...none, code: "SERVICE_UNAVAILABLE", status: 503 });
  });
});

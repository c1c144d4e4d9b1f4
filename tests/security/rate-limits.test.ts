import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, signedUpClient } from "../helpers/clients.js";
import { createPostgresDatabase } from "../helpers/database.js";
import { startServer, type TestServer } from "../helpers/server.js";

const signIn = (server: TestServer, email: string, password: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, ...headers },
    body: JSON.stringify({ email, password }),
  });

/** Better Auth's rule for /sign-in/*: 3 requests per 10 seconds per client IP. */
async function exhaust(server: TestServer, email: string, headers: Record<string, string> = {}) {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push((await signIn(server, email, "wrong password!", headers)).status);
  return statuses;
}

describe("per-IP rate limits on sign-in, IP from Fastify", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT: "true" });
  });
  afterAll(() => server?.close());

  it("answers the 4th attempt in 10 s with 429 and Retry-After, and a forged X-Forwarded-For does not dodge it", async () => {
    const { email } = await signedUpClient(server, "limited");
    expect(await exhaust(server, email)).toEqual([401, 401, 401, 429]);
    const limited = await signIn(server, email, PASSWORD, { "x-forwarded-for": "203.0.113.7" });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    const spoofed = await signIn(server, email, PASSWORD, { "x-keyway-client-ip": "203.0.113.8" });
    expect(spoofed.status).toBe(429);
  });
});

describe("behind a trusted proxy", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT: "true", TRUST_PROXY: "true" });
  });
  afterAll(() => server?.close());

  it("counts per forwarded client: one client limited, another still passes", async () => {
    const { email } = await signedUpClient(server, "proxied");
    expect(await exhaust(server, email, { "x-forwarded-for": "198.51.100.1" })).toEqual([401, 401, 401, 429]);
    expect((await signIn(server, email, PASSWORD, { "x-forwarded-for": "198.51.100.2" })).status).toBe(200);
  });

  it("groups IPv6 clients per /64", async () => {
    const { email } = await signedUpClient(server, "ipv6");
    const statuses: number[] = [];
    for (let i = 1; i <= 4; i++) {
      statuses.push((await signIn(server, email, "wrong password!", { "x-forwarded-for": `2001:db8:1:2::${i}` })).status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await signIn(server, email, PASSWORD, { "x-forwarded-for": "2001:db8:1:3::1" })).status).toBe(200);
  });
});

describe("limits shared by two instances on one PostgreSQL", () => {
  const servers: TestServer[] = [];
  let drop = async () => {};
  beforeAll(async () => {
    const database = await createPostgresDatabase();
    drop = database.drop;
    // With REDIS_URL set the counters live in Redis: both instances share one namespace.
    const shared = { RATE_LIMIT: "true", DATABASE_URL: database.url, REDIS_PREFIX: `shared-${Date.now()}:` };
    for (let i = 0; i < 2; i++) servers.push(await startServer(shared));
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await drop();
  });

  it("counts attempts made on either instance together", async () => {
    const [a, b] = servers as [TestServer, TestServer];
    const { email } = await signedUpClient(a, "shared");
    expect((await signIn(a, email, "wrong password!")).status).toBe(401);
    expect((await signIn(b, email, "wrong password!")).status).toBe(401);
    expect((await signIn(a, email, "wrong password!")).status).toBe(401);
    expect((await signIn(b, email, PASSWORD)).status).toBe(429);
  });
});

describe("per-account lockout across many IPs", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ RATE_LIMIT: "true", TRUST_PROXY: "true", LOCKOUT_MAX_FAILURES: "5", LOCKOUT_WINDOW_SECONDS: "60" });
  });
  afterAll(() => server?.close());

  it("locks password sign-in for one account after 5 failures from 5 IPs, even with the right password", async () => {
    const { email } = await signedUpClient(server, "target");
    for (let i = 1; i <= 5; i++) {
      expect((await signIn(server, email, "wrong password!", { "x-forwarded-for": `192.0.2.${i}` })).status).toBe(401);
    }
    const locked = await signIn(server, email, PASSWORD, { "x-forwarded-for": "192.0.2.99" });
    expect(locked.status).toBe(429);
    expect((await locked.json()).code).toBe("ACCOUNT_TEMPORARILY_LOCKED");
    const retryAfter = Number(locked.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const other = await signedUpClient(server, "bystander");
    expect((await signIn(server, other.email, PASSWORD, { "x-forwarded-for": "192.0.2.100" })).status).toBe(200);
  });

  it("clears the count on a successful sign-in", async () => {
    const { email } = await signedUpClient(server, "recovers");
    for (let i = 1; i <= 4; i++) await signIn(server, email, "wrong password!", { "x-forwarded-for": `192.0.2.${10 + i}` });
    expect((await signIn(server, email, PASSWORD, { "x-forwarded-for": "192.0.2.20" })).status).toBe(200);
    for (let i = 1; i <= 4; i++) {
      expect((await signIn(server, email, "wrong password!", { "x-forwarded-for": `192.0.2.${30 + i}` })).status).toBe(401);
    }
    expect((await signIn(server, email, PASSWORD, { "x-forwarded-for": "192.0.2.40" })).status).toBe(200);
  });
});

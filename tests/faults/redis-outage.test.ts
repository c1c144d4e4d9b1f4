import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { type RedisProcess, startRedisProcess } from "../helpers/redis-process.js";
import { startServer, type TestServer } from "../helpers/server.js";

let redis: RedisProcess;
let server: TestServer;
let account: Awaited<ReturnType<typeof signedUpClient>>;

beforeAll(async () => {
  redis = await startRedisProcess();
  // Rate limits on: every /api/auth request counts in Redis first (per client, from X-Forwarded-For).
  server = await startServer({ REDIS_URL: redis.url, RATE_LIMIT: "true", TRUST_PROXY: "true" });
  account = await signedUpClient(server, "outage");
});
afterAll(async () => {
  await server?.close();
  await redis?.destroy();
});

// A generous bound so that a hang fails the test instead of stalling it; the assertions are on answers.
const answered = () => AbortSignal.timeout(20_000);

let clients = 0;
/** Each sign-in from a client of its own, so that no attempt spends another's rate limit. */
const signIn = () =>
  fetch(`${server.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, "x-forwarded-for": `198.51.100.${++clients}` },
    body: JSON.stringify({ email: account.email, password: PASSWORD }),
    signal: answered(),
  });

async function expectUnavailable(response: Response) {
  expect(response.status).toBe(503);
  expect(response.headers.get("retry-after")).toBe("5");
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(await response.text()).not.toMatch(/stack|at \w+ \(|ECONNREFUSED|Redis|timed out/i);
}

async function untilReady() {
  for (let attempt = 0; attempt < 100; attempt++) {
    if ((await fetch(`${server.url}/ready`, { signal: answered() })).status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("never ready again");
}

describe("Redis stopped under the running service", () => {
  it("answers 503 where the limiter needs Redis, keeps sessions working, and resumes when Redis is back", async () => {
    const cookie = await cookieOf(account.client, server);
    const headers = { cookie, origin: server.url };
    await redis.crash();

    await expectUnavailable(await fetch(`${server.url}/ready`, { signal: answered() }));
    await expectUnavailable(await signIn());
    await expectUnavailable(await fetch(`${server.url}/api/auth/get-session`, { headers, signal: answered() }));
    // Sessions live in PostgreSQL: reading one needs no Redis.
    expect((await fetch(`${server.url}/trpc/me.get`, { headers, signal: answered() })).status).toBe(200);
    expect((await fetch(`${server.url}/api/session`, { headers, signal: answered() })).status).toBe(200);
    // Signing out works, and really ends the session.
    const signOut = await fetch(`${server.url}/api/auth/sign-out`, { method: "POST", headers, signal: answered() });
    expect(signOut.status).toBe(200);
    expect((await fetch(`${server.url}/trpc/me.get`, { headers, signal: answered() })).status).toBe(401);

    await redis.start();
    await untilReady();
    const back = await signIn();
    expect(back.status).toBe(200);
    expect(back.headers.getSetCookie().join(";")).toMatch(/session_token=/);
    const lines = server.logs();
    expect(lines.some((line) => line.msg === "dependency unavailable")).toBe(true);
    expect(lines.some((line) => line.level >= 50)).toBe(false);
  });
});

describe("Redis stalled (SIGSTOP) under the running service", () => {
  it("answers 503 within the request rather than hanging, and resumes on SIGCONT", async () => {
    const signedIn = await signIn();
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
    redis.pause();
    try {
      await expectUnavailable(await fetch(`${server.url}/ready`, { signal: answered() }));
      await expectUnavailable(await signIn());
      expect((await fetch(`${server.url}/trpc/me.get`, { headers: { cookie, origin: server.url }, signal: answered() })).status).toBe(200);
    } finally {
      redis.resume();
    }
    await untilReady();
    expect((await signIn()).status).toBe(200);
  });
});

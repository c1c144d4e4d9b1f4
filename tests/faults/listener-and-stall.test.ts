import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, signedUpClient } from "../helpers/clients.js";
import { blackholeProxy } from "../helpers/blackhole-proxy.js";
import { startScratchPostgres } from "../helpers/scratch-postgres.js";
import { startServer, type TestServer } from "../helpers/server.js";

let postgres: Awaited<ReturnType<typeof startScratchPostgres>>;
let proxy: Awaited<ReturnType<typeof blackholeProxy>>;
let server: TestServer;

beforeAll(async () => {
  postgres = await startScratchPostgres();
  proxy = await blackholeProxy(postgres.url);
  server = await startServer({ DATABASE_URL: proxy.url, SESSION_FAST_PATH_TTL: "300" });
});
afterAll(async () => {
  proxy?.resume();
  await server?.close();
  await proxy?.close();
  await postgres?.destroy();
});

const get = (path: string, cookie: string, timeoutMs = 10_000) =>
  fetch(`${server.url}${path}`, { headers: { cookie, origin: server.url }, signal: AbortSignal.timeout(timeoutMs) });

describe("a change listener whose connection silently stops delivering", () => {
  it("is noticed within seconds: a session revoked elsewhere is refused on this instance", async () => {
    const { client } = await signedUpClient(server, "listener");
    const cookie = await cookieOf(client, server);
    expect((await get("/trpc/me.get", cookie)).status).toBe(200); // now in this instance's cache

    expect(proxy.dropListeners()).toBeGreaterThan(0);
    // Revoked through another connection (another instance, an admin's SQL): its notification is lost.
    const other = new pg.Client({ connectionString: postgres.url });
    await other.connect();
    await other.query("delete from session");
    await other.end();

    let status = 200;
    for (let attempt = 0; attempt < 60 && status === 200; attempt++) {
      status = (await get("/trpc/me.get", cookie)).status;
      if (status === 200) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(status).toBe(401);
  });
});

describe("a database that stops answering (bytes held, nothing closed)", () => {
  it("answers 503 with Retry-After while the stall is still on, well before a 15 s query timeout, then recovers", async () => {
    const { client } = await signedUpClient(server, "stall");
    const cookie = await cookieOf(client, server);
    expect((await get("/trpc/settings.get", cookie)).status).toBe(200);

    proxy.stall();
    let stallOn = true;
    const answers: { status: number; retryAfter: string | null; duringStall: boolean }[] = [];
    // Each is abandoned at 10 s: an answer only after the old pool's limits (15 s query timeout) counts as none.
    await Promise.all(
      ["/trpc/settings.get", "/trpc/settings.get", "/ready", "/api/user-scopes"].map(async (path) => {
        const response = await get(path, cookie).catch(() => undefined);
        answers.push({ status: response?.status ?? 0, retryAfter: response?.headers.get("retry-after") ?? null, duringStall: stallOn });
      }),
    );
    stallOn = false;
    proxy.resume();

    expect(answers).toEqual(Array.from({ length: 4 }, () => ({ status: 503, retryAfter: "5", duringStall: true })));
    let recovered = false;
    for (let attempt = 0; attempt < 60 && !recovered; attempt++) {
      recovered = (await get("/trpc/settings.get", cookie)).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBe(true);
  });
});

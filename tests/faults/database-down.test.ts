import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, PASSWORD, signedUpClient } from "../helpers/clients.js";
import { startScratchPostgres } from "../helpers/scratch-postgres.js";
import { startServer, type TestServer } from "../helpers/server.js";

let postgres: Awaited<ReturnType<typeof startScratchPostgres>>;
let server: TestServer;

beforeAll(async () => {
  postgres = await startScratchPostgres();
  server = await startServer({ DATABASE_URL: postgres.url });
});
afterAll(async () => {
  await postgres?.start().catch(() => {});
  await server?.close();
  await postgres?.destroy();
});

describe("PostgreSQL going away under the running service", () => {
  it("answers 503 with Retry-After (never a hang, a stack or a session), then recovers by itself", async () => {
    const { client, email } = await signedUpClient(server, "outage");
    const cookie = await cookieOf(client, server);
    const headers = { cookie, origin: server.url };
    expect((await fetch(`${server.url}/trpc/me.get`, { headers })).status).toBe(200); // cached on the fast path

    await postgres.stop();

    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(503);

    const trpc = await fetch(`${server.url}/trpc/me.get`, { headers, signal: AbortSignal.timeout(20_000) });
    expect(trpc.status).toBe(503);
    expect(trpc.headers.get("retry-after")).toBe("5");
    const trpcBody = await trpc.text();
    expect(JSON.parse(trpcBody).error.json.data.code).toBe("SERVICE_UNAVAILABLE");
    expect(trpcBody).not.toMatch(/ECONNREFUSED|stack|at \w+ \(/);

    const rest = await fetch(`${server.url}/api/session`, { headers, signal: AbortSignal.timeout(20_000) });
    expect(rest.status).toBe(503);
    expect(await rest.json()).toMatchObject({ code: "SERVICE_UNAVAILABLE" });

    const signIn = await fetch(`${server.url}/api/auth/sign-in/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, password: PASSWORD }),
      signal: AbortSignal.timeout(20_000),
    });
    expect(signIn.status).toBe(503);
    expect(signIn.headers.getSetCookie()).toEqual([]);

    await postgres.start();
    let recovered = false;
    for (let attempt = 0; attempt < 60 && !recovered; attempt++) {
      recovered = (await fetch(`${server.url}/ready`)).status === 200;
      if (!recovered) await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(recovered).toBe(true);
    expect((await client.api.me.get.query()).email).toBe(email);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_EXPECTED } from "../../server/trpc/transformer.js";
import { PASSWORD, uniqueEmail } from "../helpers/clients.js";
import { createTestDatabase } from "../helpers/database.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

// The server runs as its own process, so that this process stays free to watch it answer.
const dataDir = mkdtempSync(join(tmpdir(), "keyway-input-cost-"));
let drop = async () => {};
let server: ServerProcess;
let cookie = "";

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  server = await startServerProcess(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir });
  const signUp = await fetch(`${server.url}/api/auth/sign-up/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email: uniqueEmail("attacker"), password: PASSWORD, name: "Attacker" }),
  });
  expect(signUp.status).toBe(200);
  cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}, 60_000);

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

const headers = () => ({ "content-type": "application/json", origin: server.url, cookie });
const update = (body: unknown) => fetch(`${server.url}/trpc/me.update`, { method: "POST", headers: headers(), body: JSON.stringify(body) });

/**
 * A Set of n numbers and n referential-equality paths into it; superjson finds each path's element
 * by stepping through the Set from its start: quadratic work (seconds) in a body under the size limit.
 */
function quadraticPayload(n: number) {
  const equalities = Object.fromEntries(Array.from({ length: n }, (_, i) => [`s.${i}`, ["x"]]));
  return { json: { s: Array.from({ length: n }, (_, i) => i), x: 0 }, meta: { values: { s: ["set"] }, referentialEqualities: equalities, v: 1 } };
}

async function expectRefused(response: Response) {
  expect(response.status).toBe(400);
  const body = await response.json();
  expect(body.error.json.data.code).toBe("BAD_REQUEST");
  expect(body.error.json.message).toBe("Input encoding not accepted");
}

describe("tRPC inputs are bounded in cost", () => {
  it("refuses superjson features our procedures do not take, and changes nothing", async () => {
    await expectRefused(await update({ json: { name: "A" }, meta: { referentialEqualities: { name: ["image"] }, v: 1 } }));
    await expectRefused(await update({ json: { name: "A" }, meta: { values: { name: ["regexp"] }, v: 1 } }));
    await expectRefused(await update({ json: { name: [1] }, meta: { values: { name: ["set"] }, v: 1 } }));
    await expectRefused(await update({ json: { name: "A" }, meta: { values: { name: ["class", "User"] }, v: 1 } }));
    const deep = Array.from({ length: 40 }, () => "a").join(".");
    await expectRefused(await update({ json: { name: "A" }, meta: { values: { [deep]: ["Date"] }, v: 1 } }));
    const many = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`k${i}`, ["undefined"]]));
    await expectRefused(await update({ json: { name: "A" }, meta: { values: many, v: 1 } }));
    const outside = await update({ json: { name: "A" }, extra: true });
    expect(outside.status).toBe(400);
    expect((await outside.json()).error.json.message).toBe(ENVELOPE_EXPECTED);

    const me = await fetch(`${server.url}/trpc/me.get`, { headers: headers() }).then((r) => r.json());
    expect(me.result.data.json.name).toBe("Attacker");
  });

  it("still takes what the SDK sends: unset fields and dates", async () => {
    const updated = await update({ json: { name: "Still here", image: null }, meta: { values: { image: ["undefined"] }, v: 1 } });
    expect(updated.status).toBe(200);
    expect((await updated.json()).result.data.json.name).toBe("Still here");
    // The only input with dates (admin.audit.list) is admin-only: a date still reaches its access check.
    const input = encodeURIComponent(JSON.stringify({ json: { from: "2026-01-01T00:00:00.000Z" }, meta: { values: { from: ["Date"] }, v: 1 } }));
    const dated = await fetch(`${server.url}/trpc/admin.audit.list?input=${input}`, { headers: headers() });
    expect(dated.status).toBe(403);
  });

  it("refuses a crafted quadratic payload while /health keeps being answered from another connection", async () => {
    const body = JSON.stringify(quadraticPayload(30_000));
    expect(body.length).toBeLessThan(1024 * 1024);
    const sends = 3;
    // The attacker's requests go out back to back on one connection, so that the server always has
    // the next one waiting; meanwhile a watcher asks for /health, one request after another, on its
    // own connection, and is answered while the attacks are.
    const attacker = new Client(server.url, { pipelining: sends });
    const watcher = new Client(server.url);
    const answers: string[] = [];
    let attacking = true;
    let healthAnswers = 0;
    const watching = (async () => {
      while (attacking) {
        const health = await watcher.request({ method: "GET", path: "/health" });
        await health.body.dump();
        if (attacking) healthAnswers++;
      }
    })();
    try {
      await Promise.all(
        Array.from({ length: sends }, () =>
          attacker.request({ method: "POST", path: "/trpc/me.update", headers: headers(), body }).then(async (response) => {
            const answer = (await response.body.json()) as { error?: { json: { message: string } } };
            answers.push(`${response.statusCode} ${answer.error?.json.message}`);
          }),
        ),
      );
    } finally {
      attacking = false;
      await watching;
      await attacker.close();
      await watcher.close();
    }
    expect(answers).toEqual(Array.from({ length: sends }, () => "400 Input encoding not accepted"));
    expect(healthAnswers).toBeGreaterThan(0);
  }, 120_000);
});

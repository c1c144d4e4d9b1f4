import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createClient } from "../sdk/src/index.js";
import { runCli } from "./helpers/cli.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "keyway-embedded-"));
const env = { NODE_ENV: "test", DATA_DIR: dataDir, BETTER_AUTH_SECRET: "embedded-cli-secret-embedded-cli-secret-0123" };
let server: ServerProcess;

beforeAll(async () => {
  server = await startServerProcess(env);
});
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function signedUp(label: string) {
  const client = createClient({ baseUrl: server.url, cookieJar: new CookieJar() });
  const email = uniqueEmail(label);
  const { error } = await client.auth.signUp.email({ email, password: PASSWORD, name: label });
  expect(error).toBeNull();
  return { client, email };
}

describe("the CLI on the embedded database while the server runs", () => {
  it("makes an admin: the server sees the new role on its next call", async () => {
    const { client, email } = await signedUp("first-admin");
    // Read twice: the server has this session in its cache.
    await client.api.me.get.query();
    expect((await client.api.me.get.query()).role).toBe("user");

    const promoted = await runCli(["users:set-role", email, "admin"], env);
    expect(promoted).toMatchObject({ code: 0, stdout: `${email} now has role admin\n` });

    expect((await client.api.me.get.query()).role).toBe("admin");
    expect((await client.api.admin.users.list.query({ search: email })).total).toBe(1);
  });

  it("bans: the server refuses the session on its next call", async () => {
    const { client, email } = await signedUp("to-ban");
    expect((await client.api.me.get.query()).email).toBe(email);
    expect((await runCli(["users:ban", email], env)).code).toBe(0);
    await expect(client.api.me.get.query()).rejects.toMatchObject({ data: { httpStatus: 401 } });
  });

  it("lets doctor and psql in too, and the server stops cleanly afterwards", async () => {
    const doctor = await runCli(["doctor"], env);
    expect(doctor.stdout).toContain(`ok   database: embedded PGlite in ${dataDir} answers; no pending migrations`);
    expect(doctor.code).toBe(0);

    const { stdout } = await run("psql", ["-h", join(dataDir, "socket"), "-U", "postgres", "-d", "postgres", "-tAc", "select count(*) from \"user\""]);
    expect(Number(stdout.trim())).toBeGreaterThanOrEqual(2);

    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    // Stopped, the database is the CLI's own again.
    const listed = await runCli(["users:list", "--search", "first-admin"], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/first-admin.*\s+admin\s+/);
  });
});

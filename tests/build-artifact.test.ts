import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../sdk/src/index.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { createTestDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), "keyway-artifact-"));
let databaseEnv: Record<string, string>;
let drop = async () => {};
let server: ServerProcess | undefined;

beforeAll(async () => {
  await run("npm", ["run", "build"], { timeout: 110_000 });
  const database = await createTestDatabase();
  drop = database.drop;
  databaseEnv = database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir };
});

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the built artifact (npm run build, then plain node)", () => {
  it("compiles the server, the CLI and the migrations into dist/", () => {
    for (const file of ["dist/server/main.js", "dist/server/cli.js", "dist/db/migrations/meta/_journal.json"]) {
      expect(existsSync(file), file).toBe(true);
    }
  });

  it("node dist/server/main.js migrates, serves sign-ups, and exits 0 on SIGTERM", async () => {
    server = await startServerProcess(databaseEnv, ["dist/server/main.js"]);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);

    const email = uniqueEmail("artifact");
    const client = createClient({ baseUrl: server.url });
    const { data, error } = await client.auth.signUp.email({ email, password: PASSWORD, name: "Artifact" });
    expect(error).toBeNull();
    expect(data?.user.email).toBe(email);
    expect((await client.api.me.get.query()).email).toBe(email);

    expect(await server.stop()).toBe(0);
    expect(server.output()).toContain('"signal":"SIGTERM"');
  });

  it("node dist/server/cli.js runs a command against the same database", async () => {
    const email = uniqueEmail("cli");
    server = await startServerProcess(databaseEnv, ["dist/server/main.js"]);
    const signUp = await createClient({ baseUrl: server.url }).auth.signUp.email({ email, password: PASSWORD, name: "Cli" });
    expect(signUp.error).toBeNull();
    // The embedded database is one process's at a time: the CLI runs once the server is gone.
    expect(await server.stop()).toBe(0);

    const { stdout } = await run(process.execPath, ["dist/server/cli.js", "users:set-role", email, "admin"], {
      env: { PATH: process.env.PATH ?? "", ...databaseEnv },
      timeout: 60_000,
    });
    expect(stdout).toContain(`${email} now has role admin`);
  });
});

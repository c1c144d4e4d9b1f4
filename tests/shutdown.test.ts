import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-shutdown-"));
let drop = async () => {};
let server: ServerProcess;

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  server = await startServerProcess(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir });
});

afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start's process on SIGTERM", () => {
  it("finishes the request in flight, refuses new connections, and exits 0", async () => {
    const inFlight = fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email: "last@example.com", password: "correct horse battery", name: "Last" }),
    });
    // Let the request reach the server (scrypt keeps it busy for a while), then stop it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exitCode = server.stop();

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).user.email).toBe("last@example.com");
    expect(await exitCode).toBe(0);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
  });
});

import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/database.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-shutdown-"));
let drop = async () => {};
let child: ChildProcess;
let url: string;

async function freePort() {
  const probe = createServer().listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as { port: number };
  probe.close();
  return port;
}

beforeAll(async () => {
  const database = await createTestDatabase();
  drop = database.drop;
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    env: {
      PATH: process.env.PATH ?? "",
      PORT: String(port),
      LOG_LEVEL: "warn",
      ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    },
    stdio: "ignore",
  });
  for (let attempt = 0; attempt < 120; attempt++) {
    const ready = await fetch(`${url}/ready`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error("server did not become ready");
});

afterAll(async () => {
  if (child.exitCode === null) child.kill("SIGKILL");
  await drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("npm start's process on SIGTERM", () => {
  it("finishes the request in flight, refuses new connections, and exits 0", async () => {
    const inFlight = fetch(`${url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: url },
      body: JSON.stringify({ email: "last@example.com", password: "correct horse battery", name: "Last" }),
    });
    // Let the request reach the server (scrypt keeps it busy for a while), then stop it.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const exited = once(child, "exit");
    child.kill("SIGTERM");

    const response = await inFlight;
    expect(response.status).toBe(200);
    expect((await response.json()).user.email).toBe("last@example.com");
    const [code] = await exited;
    expect(code).toBe(0);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../helpers/database.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-drain-"));
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

type Outcome = { kind: "answered"; status: number; connection: string | null } | { kind: "refused" } | { kind: "lost"; error: string };

async function send(url: string): Promise<Outcome> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(15_000) });
    await response.arrayBuffer();
    return { kind: "answered", status: response.status, connection: response.headers.get("connection") };
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code;
    return code === "ECONNREFUSED" ? { kind: "refused" } : { kind: "lost", error: String(code ?? error) };
  }
}

describe("SIGTERM under load", () => {
  it("answers every request, new ones with 503 + Connection: close, and exits 0", async () => {
    const outcomes: Outcome[] = [];
    // Each client behaves like a load balancer: it stops sending here after a 503 or a refusal.
    const client = async () => {
      for (;;) {
        const outcome = await send(`${server.url}/trpc/health`);
        outcomes.push(outcome);
        if (outcome.kind !== "answered" || outcome.status === 503) return;
      }
    };
    const clients = Array.from({ length: 10 }, client);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exitCode = server.stop();
    await Promise.all(clients);

    expect(await exitCode).toBe(0);
    const answered = outcomes.filter((outcome) => outcome.kind === "answered");
    expect(answered.filter((outcome) => outcome.status === 200).length).toBeGreaterThan(10);
    expect(answered.filter((outcome) => outcome.status === 503).length).toBeGreaterThan(0);
    expect(outcomes.filter((outcome) => outcome.kind === "lost")).toEqual([]);
    for (const outcome of answered) {
      expect([200, 503]).toContain(outcome.status);
      if (outcome.status === 503) expect(outcome.connection).toBe("close");
    }
  });
});

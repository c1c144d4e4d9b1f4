import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-lock-"));
const started: ServerProcess[] = [];

afterAll(() => {
  for (const server of started) {
    server.child.kill("SIGCONT");
    if (server.child.exitCode === null) server.child.kill("SIGKILL");
  }
  rmSync(dataDir, { recursive: true, force: true });
});

async function start() {
  const server = await startServerProcess({ DATA_DIR: dataDir });
  started.push(server);
  return server;
}

describe("the embedded database's lock", () => {
  it("lets the next start in at once after kill -9, and is never taken from a paused server", async () => {
    const crashed = await start();
    const exited = once(crashed.child, "exit");
    crashed.child.kill("SIGKILL");
    await exited;

    const server = await start();
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);

    server.child.kill("SIGSTOP");
    // Longer than the old lock's 15 s staleness: a pause (Ctrl-Z, a VM paused) is not a crash.
    await new Promise((resolve) => setTimeout(resolve, 16_000));
    const cli = await runCli(["sweep"], { DATA_DIR: dataDir });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toMatch(/in use by another keyway process \(pid \d+\)\. Stop it first, or set DATABASE_URL/);
    server.child.kill("SIGCONT");

    for (let round = 0; round < 8; round++) {
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
    expect(server.child.exitCode).toBeNull();
    // Two starts, a 16 s pause, the CLI and 8 s of probes: on a busy machine that exceeds the default 60 s.
  }, 120_000);
});

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./server-process.js";

const run = promisify(execFile);

/**
 * A `redis-server` of the test's own on a free port, with its own directory: no snapshots
 * unless the test asks for one (`save`), and a restart loads the last one, as a restore would.
 */
export async function startRedisProcess() {
  const dir = mkdtempSync(join(tmpdir(), "keyway-redis-"));
  const port = await freePort();
  let child: ChildProcess | undefined;

  const cli = async (...args: string[]) => (await run("redis-cli", ["-p", String(port), ...args])).stdout.trim();
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], {
      stdio: "ignore",
    });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await cli("ping").then((answer) => answer === "PONG", () => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error("redis-server did not start");
  };
  await start();

  const redis = {
    url: `redis://127.0.0.1:${port}`,
    /** One command through redis-cli; its answer as printed. */
    cli,
    start,
    /** Writes the snapshot (dump.rdb) the next start loads. */
    save: () => cli("save"),
    /** Stops at once without writing a snapshot, like a crash. */
    async crash() {
      const exited = child && child.exitCode === null ? once(child, "exit") : Promise.resolve();
      await cli("shutdown", "nosave").catch(() => {}); // the connection closes before an answer
      await exited;
    },
    /** Freezes the process (SIGSTOP): connections stay open and nothing answers. */
    pause: () => void child?.kill("SIGSTOP"),
    resume: () => void child?.kill("SIGCONT"),
    /** Clients connected besides redis-cli itself. */
    async otherClients() {
      return (await cli("client", "list")).split("\n").filter((line) => line && !line.includes("cmd=client")).length;
    },
    async destroy() {
      child?.kill("SIGCONT");
      if (child && child.exitCode === null) {
        const exited = once(child, "exit");
        child.kill("SIGKILL");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return redis;
}

export type RedisProcess = Awaited<ReturnType<typeof startRedisProcess>>;

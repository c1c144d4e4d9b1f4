import { execFile } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "./server-process.js";

const run = promisify(execFile);
const BIN = "/usr/lib/postgresql/15/bin";

/**
 * A PostgreSQL server of the test's own (initdb on a scratch directory), so a test can
 * stop and start it under the running service. PostgreSQL refuses to run as root, so
 * as root it runs as the `postgres` user.
 */
export async function startScratchPostgres(settings: { maxConnections?: number } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "keyway-pg-"));
  const data = join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", `${BIN}/${tool}`, ...args]) : run(`${BIN}/${tool}`, args);

  await pg("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const limits = settings.maxConnections ? ` -c max_connections=${settings.maxConnections} -c superuser_reserved_connections=0` : "";
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off${limits}`;
  const start = () => pg("pg_ctl", ["-D", data, "-o", options, "-w", "-l", join(dir, "log"), "start"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    start,
    /**
     * Stops the server: "immediate" at once, as a crash would look to clients; "fast" ends
     * every session with 57P01 (terminating connection due to administrator command).
     */
    stop: (mode: "immediate" | "fast" = "immediate") => pg("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"]),
    async destroy() {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pLimit from "p-limit";
import { createPostgresDatabase } from "../tests/helpers/database.js";
import { startServerProcess } from "../tests/helpers/server-process.js";
import type { LoadResult, LoadWindow } from "./load.js";

const run = promisify(execFile);
export const PASSWORD = "correct horse battery staple";
export const POOL = Number(process.env.UV_THREADPOOL_SIZE ?? availableParallelism());

export interface BenchUser {
  email: string;
  /** Only the session token cookie: every read goes past Better Auth's cookie cache. */
  tokenOnly: string;
  /** Token and cached session data, as a browser sends them. */
  withCache: string;
}

/** keyway in production mode on a scratch PostgreSQL database, as its own process. */
export async function startBenchServer() {
  const database = await createPostgresDatabase();
  const server = await startServerProcess({
    NODE_ENV: "production",
    DATABASE_URL: database.url,
    BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123456789",
    TRUSTED_ORIGINS: "http://app.example.test",
    // Bench users sign in right after signing up; there is no mail server to verify them.
    REQUIRE_EMAIL_VERIFICATION: "false",
    MAIL_DISABLED: "true",
    UV_THREADPOOL_SIZE: String(POOL),
    // Sign-ins come from one address here; the limiter would measure itself, not the service.
    RATE_LIMIT: "false",
    // The write case measures writes, not the per-account write budget.
    SELF_SERVICE_WRITES_PER_MINUTE: "100000000",
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  });
  const scratch = mkdtempSync(join(tmpdir(), "keyway-bench-"));

  return {
    server,
    database,
    origin: server.url,
    async signUp(count: number): Promise<BenchUser[]> {
      return pLimit(POOL * 2).map(Array.from({ length: count }, (_, i) => i), async (i) => {
        const email = `bench-${i}@example.com`;
        const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: server.url },
          body: JSON.stringify({ email, password: PASSWORD, name: `Bench ${i}` }),
        });
        if (!response.ok) throw new Error(`sign-up ${i}: ${response.status}`);
        const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
        return {
          email,
          tokenOnly: cookies.filter((cookie) => cookie.startsWith("better-auth.session_token=")).join("; "),
          withCache: cookies.join("; "),
        };
      });
    },
    /** Runs the windows back to back in a separate process (bench/load.ts), with the server's libuv pool size. */
    async load(windows: LoadWindow[], connections = 10): Promise<LoadResult[]> {
      const file = join(scratch, "plan.json");
      writeFileSync(file, JSON.stringify({ url: server.url, connections, windows }));
      const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/load.ts", file], {
        maxBuffer: 1 << 20,
        env: { ...process.env, UV_THREADPOOL_SIZE: String(POOL) },
      });
      return JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult[];
    },
    rss: () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))![1]) * 1024,
    async stop() {
      await server.stop();
      await database.drop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

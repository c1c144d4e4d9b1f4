import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pLimit from "p-limit";
import pg from "pg";
import { createPostgresDatabase } from "../tests/helpers/database.js";
import { PRODUCTION_NODE_FLAGS, type ServerProcess, startServerProcess } from "../tests/helpers/server-process.js";
import type { LoadResult, LoadWindow } from "./load.js";

const run = promisify(execFile);
export const PASSWORD = "correct horse battery staple";
export const POOL = Number(process.env.UV_THREADPOOL_SIZE ?? availableParallelism());
const SECRET = "bench-secret-bench-secret-bench-secret-0123456789";

export interface BenchUser {
  email: string;
  /** Only the session token cookie: every read goes past Better Auth's cookie cache. */
  tokenOnly: string;
  /** Token and cached session data, as a browser sends them. */
  withCache: string;
}

/** Resident memory of a server process, in bytes. */
export const rssOf = (server: ServerProcess) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.child.pid}/status`, "utf8"))![1]) * 1024;

/** The session cookie Better Auth would set for `token` (better-call's signed value). */
const signedCookie = (token: string) =>
  `better-auth.session_token=${encodeURIComponent(`${token}.${createHmac("sha256", SECRET).update(token).digest("base64")}`)}`;

/**
 * keyway as production runs it (the built artifact, with the container's node flags) in
 * production mode on a scratch PostgreSQL database, as its own process; baselines beside it on demand.
 */
export async function startBenchServer() {
  // Inside the repository, so that the artifact resolves its packages from node_modules.
  mkdirSync("node_modules/.cache", { recursive: true });
  const scratch = mkdtempSync("node_modules/.cache/keyway-bench-");
  await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--outDir", scratch]);
  cpSync("db/migrations", join(scratch, "db/migrations"), { recursive: true });
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ type: "module" }));
  const keyway = [...PRODUCTION_NODE_FLAGS, resolve(scratch, "server/main.js")];
  const database = await createPostgresDatabase();
  const env = {
    NODE_ENV: "production",
    DATABASE_URL: database.url,
    BETTER_AUTH_SECRET: SECRET,
    TRUSTED_ORIGINS: "http://app.example.test",
    // Bench users sign in right after signing up; there is no mail server to verify them.
    REQUIRE_EMAIL_VERIFICATION: "false",
    MAIL_DISABLED: "true",
    UV_THREADPOOL_SIZE: String(POOL),
    // Sign-ins come from one address here; the limiter would measure itself, not the service.
    RATE_LIMIT: "false",
    // The write cases measure writes, not the per-account write budget.
    SELF_SERVICE_WRITES_PER_MINUTE: "100000000",
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  };
  const server = await startServerProcess(env, keyway);
  const others: ServerProcess[] = [];

  const signUp = (origin: string, count: number, from = 0): Promise<BenchUser[]> =>
    pLimit(POOL * 2).map(Array.from({ length: count }, (_, i) => from + i), async (i) => {
      const email = `bench-${i}@example.com`;
      const response = await fetch(`${origin}/api/auth/sign-up/email`, {
        method: "POST",
        headers: { "content-type": "application/json", origin },
        body: JSON.stringify({ email, password: PASSWORD, name: `Bench ${i}` }),
      });
      if (!response.ok) throw new Error(`sign-up ${i}: ${response.status}`);
      return cookiesOf(email, response);
    });

  return {
    server,
    database,
    origin: server.url,
    /** Starts a keyway server on the same database with `overrides` (e.g. a smaller session cache). */
    async startKeyway(overrides: Record<string, string>) {
      const other = await startServerProcess({ ...env, ...overrides }, keyway);
      others.push(other);
      return other;
    },
    /** Starts one of bench/baselines/ on the same database and configuration, with the same node flags. */
    async startBaseline(name: "bare-trpc" | "guides") {
      const baseline = await startServerProcess(env, [...PRODUCTION_NODE_FLAGS, "--import", "tsx", `bench/baselines/${name}.ts`]);
      others.push(baseline);
      return baseline;
    },
    signUp: (count: number) => signUp(server.url, count),
    /** Signs `count` existing bench users in on `origin` (a session issued there). */
    async signIn(origin: string, count: number): Promise<BenchUser[]> {
      return pLimit(POOL * 2).map(Array.from({ length: count }, (_, i) => i), async (i) => {
        const email = `bench-${i}@example.com`;
        const response = await fetch(`${origin}/api/auth/sign-in/email`, {
          method: "POST",
          headers: { "content-type": "application/json", origin },
          body: JSON.stringify({ email, password: PASSWORD }),
        });
        if (!response.ok) throw new Error(`sign-in ${i}: ${response.status}`);
        return cookiesOf(email, response);
      });
    },
    /**
     * `count` users with one session each, written straight into the database (no password, no
     * hashing); returns their session cookies.
     */
    async seedSessions(count: number): Promise<string[]> {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        await client.query(
          `insert into "user" (id, name, email, email_verified)
           select 'seed-' || i, 'Seed ' || i, 'seed-' || i || '@example.com', true from generate_series(1, $1) i`,
          [count],
        );
        await client.query(
          `insert into session (id, token, user_id, expires_at)
           select 'seed-' || i, 'seed-token-' || i, 'seed-' || i, now() + interval '1 day' from generate_series(1, $1) i`,
          [count],
        );
      } finally {
        await client.end();
      }
      return Array.from({ length: count }, (_, i) => signedCookie(`seed-token-${i + 1}`));
    },
    /** Runs the windows back to back in a separate process (bench/load.ts), with the server's libuv pool size. */
    async load(windows: LoadWindow[], connections = 10): Promise<LoadResult[]> {
      const file = join(scratch, `plan-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(file, JSON.stringify({ url: server.url, connections, windows }));
      const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/load.ts", file], {
        maxBuffer: 1 << 20,
        env: { ...process.env, UV_THREADPOOL_SIZE: String(POOL) },
      });
      return JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult[];
    },
    rss: () => rssOf(server),
    async stop() {
      await Promise.all([server, ...others].map((process) => process.stop()));
      await database.drop();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}

function cookiesOf(email: string, response: Response): BenchUser {
  const cookies = response.headers.getSetCookie().map((cookie) => cookie.split(";")[0]!);
  return {
    email,
    tokenOnly: cookies.filter((cookie) => cookie.startsWith("better-auth.session_token=")).join("; "),
    withCache: cookies.join("; "),
  };
}

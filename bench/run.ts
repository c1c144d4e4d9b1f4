// npm run bench [-- --quick]: starts keyway in production mode on PostgreSQL, drives it
// from separate processes, and reports each case as a ratio to the public tRPC query
// measured in the same run. Writes bench/results.json.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pLimit from "p-limit";
import { createPostgresDatabase } from "../tests/helpers/database.js";
import { startServerProcess } from "../tests/helpers/server-process.js";
import type { LoadCase, LoadResult } from "./load.js";

const run = promisify(execFile);
const quick = process.argv.includes("--quick");
const DURATION = quick ? 2 : 10;
const SOAK_SECONDS = quick ? 4 : 60;
const SOAK_WARMUP = quick ? 1 : 15;
const USERS = quick ? 20 : 300;
const CONNECTIONS = 10;
const POOL = Number(process.env.UV_THREADPOOL_SIZE ?? availableParallelism());
const PASSWORD = "correct horse battery staple";

const scratch = mkdtempSync(join(tmpdir(), "keyway-bench-"));

async function load(spec: Omit<LoadCase, "connections" | "durationSeconds"> & Partial<LoadCase>): Promise<LoadResult> {
  const full: LoadCase = { connections: CONNECTIONS, durationSeconds: DURATION, ...spec };
  const file = join(scratch, "case.json");
  writeFileSync(file, JSON.stringify(full));
  const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/load.ts", file], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as LoadResult;
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) * 1024;
}

const database = await createPostgresDatabase();
const server = await startServerProcess({
  NODE_ENV: "production",
  DATABASE_URL: database.url,
  BETTER_AUTH_SECRET: "bench-secret-bench-secret-bench-secret-0123456789",
  TRUSTED_ORIGINS: "http://app.example.test",
  UV_THREADPOOL_SIZE: String(POOL),
  // Sign-ins come from one address here; the limiter would measure itself, not the service.
  RATE_LIMIT: "false",
  ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
});
const origin = server.url;

try {
  console.log(`keyway bench${quick ? " (quick)" : ""}: ${USERS} users, ${CONNECTIONS} connections, ${DURATION}s a case, libuv pool ${POOL}`);
  const users = await pLimit(POOL * 2).map(Array.from({ length: USERS }, (_, i) => i), async (i) => {
    const email = `bench-${i}@example.com`;
    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin },
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

  const protectedHeaders = users.map((user) => ({ cookie: user.tokenOnly }));
  const batchPath = `/trpc/${Array(10).fill("me.get").join(",")}?batch=1&input=${encodeURIComponent("{}")}`;
  const results: Record<string, LoadResult & { callsPerSecond: number }> = {};
  const measure = async (name: string, spec: Parameters<typeof load>[0], callsPerRequest = 1) => {
    const result = await load(spec);
    results[name] = { ...result, callsPerSecond: result.requestsPerSecond * callsPerRequest };
    console.log(`  measured ${name}`);
  };

  await load({ url: server.url, method: "GET", path: "/trpc/me.get", headers: protectedHeaders, durationSeconds: 1 }); // warm-up
  await measure("plain Fastify route", { url: server.url, method: "GET", path: "/health", headers: [{}] });
  await measure("public tRPC query", { url: server.url, method: "GET", path: "/trpc/health", headers: [{}] });
  await measure("protected tRPC query", { url: server.url, method: "GET", path: "/trpc/me.get", headers: protectedHeaders });
  await measure("protected, cookie cache", {
    url: server.url,
    method: "GET",
    path: "/trpc/me.get",
    headers: users.map((user) => ({ cookie: user.withCache })),
  });
  await measure("batch of 10 protected", { url: server.url, method: "GET", path: batchPath, headers: protectedHeaders }, 10);
  await measure("write mutation", {
    url: server.url,
    method: "POST",
    path: "/trpc/settings.update",
    headers: users.map((user) => ({ cookie: user.tokenOnly, origin, "content-type": "application/json" })),
    bodies: users.map((_, i) => JSON.stringify({ json: { theme: i % 2 ? "dark" : "light" } })),
  });
  await measure("email sign-in", {
    url: server.url,
    method: "POST",
    path: "/api/auth/sign-in/email",
    headers: [{ origin, "content-type": "application/json" }],
    bodies: users.map((user) => JSON.stringify({ email: user.email, password: PASSWORD })),
  });
  const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/scrypt-rate.ts", String(DURATION)], {
    env: { ...process.env, UV_THREADPOOL_SIZE: String(POOL) },
  });
  const raw = JSON.parse(stdout.trim().split("\n").pop()!) as { hashesPerSecond: number };

  // The soak's own warm-up: RSS is compared from steady state, not from before the first request of this kind.
  await load({ url: server.url, method: "GET", path: "/trpc/me.get", headers: protectedHeaders, durationSeconds: SOAK_WARMUP });
  const rssBefore = rssOf(server.child.pid!);
  const soak = await load({
    url: server.url,
    method: "GET",
    path: "/trpc/me.get",
    headers: protectedHeaders,
    durationSeconds: SOAK_SECONDS,
  });
  const rssAfter = rssOf(server.child.pid!);

  const base = results["public tRPC query"]!.requestsPerSecond;
  const rows = Object.entries(results).map(([name, result]) => ({
    case: name,
    "req/s": Math.round(result.requestsPerSecond),
    "calls/s": Math.round(result.callsPerSecond),
    "p50 ms": result.p50,
    "p99 ms": result.p99,
    "× public tRPC": Number((result.callsPerSecond / base).toFixed(2)),
    errors: result.errors + result.non2xx,
  }));
  rows.push({
    case: "raw scrypt hashes (same pool)",
    "req/s": Math.round(raw.hashesPerSecond),
    "calls/s": Math.round(raw.hashesPerSecond),
    "p50 ms": 0,
    "p99 ms": 0,
    "× public tRPC": Number((raw.hashesPerSecond / base).toFixed(2)),
    errors: 0,
  });
  console.table(rows);

  const protectedRate = results["protected tRPC query"]!.callsPerSecond;
  const targets = [
    { target: "protected ≥ 0.9 × public tRPC", value: protectedRate / base, min: 0.9 },
    { target: "batch of 10 ≥ 5 × single protected (calls/s)", value: results["batch of 10 protected"]!.callsPerSecond / protectedRate, min: 5 },
    { target: "sign-ins/s ≥ 0.8 × raw scrypt hashes/s", value: results["email sign-in"]!.requestsPerSecond / raw.hashesPerSecond, min: 0.8 },
    { target: `soak ${SOAK_SECONDS}s: RSS growth < 10 %`, value: (rssAfter - rssBefore) / rssBefore, max: 0.1 },
    { target: `soak ${SOAK_SECONDS}s: no errors`, value: soak.errors + soak.non2xx, max: 0 },
  ].map((row) => ({
    ...row,
    value: Number(row.value.toFixed(3)),
    met: "min" in row ? row.value >= row.min! : row.value <= row.max!,
  }));
  console.table(targets.map(({ target, value, met }) => ({ target, value, met: met ? "yes" : "NO" })));

  writeFileSync(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        quick,
        machine: { cores: availableParallelism(), libuvPool: POOL, node: process.version },
        users: USERS,
        connections: CONNECTIONS,
        durationSeconds: DURATION,
        cases: results,
        rawScryptHashesPerSecond: raw.hashesPerSecond,
        soak: { seconds: SOAK_SECONDS, ...soak, rssBefore, rssAfter },
        targets,
      },
      null,
      2,
    )}\n`,
  );
  if (!quick && targets.some((row) => !row.met)) process.exitCode = 1;
} finally {
  await server.stop();
  await database.drop();
  rmSync(scratch, { recursive: true, force: true });
}

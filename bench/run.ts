// npm run bench [-- --quick]: starts keyway in production mode on PostgreSQL, drives it
// from separate processes, and reports each case as a ratio to the public tRPC query
// measured in the same run. Writes bench/results.json.
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { promisify } from "node:util";
import type { LoadResult, RequestSpec } from "./load.js";
import { PASSWORD, POOL, startBenchServer } from "./setup.js";

const run = promisify(execFile);
const quick = process.argv.includes("--quick");
const DURATION = quick ? 2 : 6;
const SOAK_SECONDS = quick ? 4 : 60;
const SOAK_WARMUP = quick ? 1 : 15;
const USERS = quick ? 20 : 300;
const CONNECTIONS = 10;
const ROUNDS = quick ? 1 : 5;
const RAW_SCRYPT = "raw scrypt hashes (same pool)";
const median = <T>(items: T[], by: (item: T) => number) => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)]!;

const bench = await startBenchServer();
const { server, origin } = bench;
const load = (request: RequestSpec, durationSeconds = DURATION) =>
  bench.load({ url: server.url, connections: CONNECTIONS, durationSeconds, requests: [request] });

try {
  console.log(`keyway bench${quick ? " (quick)" : ""}: ${USERS} users, ${CONNECTIONS} connections, ${DURATION}s a case, libuv pool ${POOL}`);
  const users = await bench.signUp(USERS);
  const protectedHeaders = users.map((user) => ({ cookie: user.tokenOnly }));
  const protectedQuery: RequestSpec = { method: "GET", path: "/trpc/me.get", headers: protectedHeaders };
  const batchPath = `/trpc/${Array(10).fill("me.get").join(",")}?batch=1&input=${encodeURIComponent("{}")}`;

  const runs: Record<string, (LoadResult & { callsPerSecond: number })[]> = {};
  const measure = async (name: string, request: RequestSpec, callsPerRequest = 1) => {
    const result = await load(request);
    (runs[name] ??= []).push({ ...result, callsPerSecond: result.requestsPerSecond * callsPerRequest });
    console.log(`  measured ${name}`);
  };

  await measure("plain Fastify route", { method: "GET", path: "/health", headers: [{}] });
  // The cases the targets compare run interleaved, ROUNDS times: each case reports its median
  // run, and each target the median of its per-round ratios, since on a small shared machine
  // one window can be hit by unrelated load. The protected query runs between the two cases
  // compared with it, and the order reverses every round, so a machine that slows down or
  // speeds up during the run favours no case.
  const compared: [string, RequestSpec, number][] = [
    ["public tRPC query", { method: "GET", path: "/trpc/health", headers: [{}] }, 1],
    ["protected tRPC query", protectedQuery, 1],
    ["batch of 10 protected", { method: "GET", path: batchPath, headers: protectedHeaders }, 10],
  ];
  for (const [, request] of compared) await load(request, quick ? 1 : 3); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, request, calls] of round % 2 === 0 ? compared : compared.toReversed()) await measure(name, request, calls);
    await measure("protected, cookie cache", {
      method: "GET",
      path: "/trpc/me.get",
      headers: users.map((user) => ({ cookie: user.withCache })),
    });
    await measure("email sign-in", {
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: [{ origin, "content-type": "application/json" }],
      bodies: users.map((user) => JSON.stringify({ email: user.email, password: PASSWORD })),
    });
    const { stdout } = await run(process.execPath, ["--import", "tsx", "bench/scrypt-rate.ts", String(DURATION)], {
      env: { ...process.env, UV_THREADPOOL_SIZE: String(POOL) },
    });
    const raw = (JSON.parse(stdout.trim().split("\n").pop()!) as { hashesPerSecond: number }).hashesPerSecond;
    (runs[RAW_SCRYPT] ??= []).push({ requestsPerSecond: raw, callsPerSecond: raw, p50: 0, p99: 0, total: 0, errors: 0, non2xx: 0, statusCodes: {} });
  }
  await measure("write mutation", {
    method: "POST",
    path: "/trpc/settings.update",
    headers: users.map((user) => ({ cookie: user.tokenOnly, origin, "content-type": "application/json" })),
    bodies: users.map((_, i) => JSON.stringify({ json: { theme: i % 2 ? "dark" : "light" } })),
  });
  const results = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [name, median(list, (run) => run.callsPerSecond)]),
  );
  const base = results["public tRPC query"]!.requestsPerSecond;

  // The soak's own warm-up: RSS is compared from steady state, not from before the first request of this kind.
  await load(protectedQuery, SOAK_WARMUP);
  const rssBefore = bench.rss();
  const soak = await load(protectedQuery, SOAK_SECONDS);
  const rssAfter = bench.rss();

  const rows = Object.entries(results).map(([name, result]) => ({
    case: name,
    "req/s": Math.round(result.requestsPerSecond),
    "calls/s": Math.round(result.callsPerSecond),
    "p50 ms": result.p50,
    "p99 ms": result.p99,
    "× public tRPC": Number((result.callsPerSecond / base).toFixed(2)),
    errors: result.errors + result.non2xx,
  }));
  console.table(rows);

  /** The median over rounds of `name`'s calls/s divided by `baseline`'s in the same round. */
  const ratio = (name: string, baseline: string) =>
    median(runs[name]!.map((run, round) => run.callsPerSecond / runs[baseline]![round]!.callsPerSecond), (value) => value);
  const targets = [
    { target: "protected ≥ 0.9 × public tRPC", value: ratio("protected tRPC query", "public tRPC query"), min: 0.9 },
    { target: "batch of 10 ≥ 5 × single protected (calls/s)", value: ratio("batch of 10 protected", "protected tRPC query"), min: 5 },
    { target: "sign-ins/s ≥ 0.8 × raw scrypt hashes/s", value: ratio("email sign-in", RAW_SCRYPT), min: 0.8 },
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
        rounds: ROUNDS,
        cases: results,
        runs,
        soak: { seconds: SOAK_SECONDS, ...soak, rssBefore, rssAfter },
        targets,
      },
      null,
      2,
    )}\n`,
  );
  if (!quick && targets.some((row) => !row.met)) process.exitCode = 1;
} finally {
  await bench.stop();
}

// npm run bench [-- --quick]: starts keyway in production mode on PostgreSQL, drives it
// from a separate process, and reports each case as a ratio to the public tRPC query
// measured in the same run. Writes bench/results.json.
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import type { LoadResult, LoadWindow, RequestSpec } from "./load.js";
import { PASSWORD, POOL, startBenchServer } from "./setup.js";

const quick = process.argv.includes("--quick");
/** Cases that no target compares: one window each, after a warm-up. */
const CASE_SECONDS = quick ? 2 : 6;
/** The server's JIT needs several seconds of each kind of request before it reaches steady state. */
const WARM_UP_SECONDS = quick ? 1 : 5;
/**
 * Compared cases run in short adjacent windows, many times over: on a small shared machine the
 * cost of the same request drifts by a quarter from one few-second span to the next, so a
 * ratio is only fair between windows a moment apart. Single rounds scatter widely (a fifth
 * either side), so the median needs many of them to settle within a few hundredths.
 */
const COMPARED_SECONDS = 1;
const COMPARED_ROUNDS = quick ? 1 : 60;
/**
 * Sign-ins complete 10–20 a second. A window is a number of sign-ins, not a time: cut off at a
 * deadline, it would leave its queued sign-ins hashing on the server into the next window.
 */
const SIGN_INS = quick ? 20 : 100;
const SIGN_IN_ROUNDS = quick ? 1 : 5;
const SOAK_SECONDS = quick ? 4 : 60;
const SOAK_WARMUP = quick ? 1 : 15;
const USERS = quick ? 20 : 300;
const CONNECTIONS = 10;
const RAW_SCRYPT = "raw scrypt hashes (same pool)";
const median = <T>(items: T[], by: (item: T) => number) => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)]!;

interface Step {
  /** Recorded under this case; a step without a name is warm-up. */
  name?: string;
  callsPerRequest?: number;
  window: LoadWindow;
}
type Run = LoadResult & { callsPerSecond: number };

const bench = await startBenchServer();
const { origin } = bench;
const runs: Record<string, Run[]> = {};
/** Runs the steps back to back in one load process and files each result under its case. */
const measure = async (steps: Step[]) => {
  const results = await bench.load(steps.map((step) => step.window), CONNECTIONS);
  steps.forEach(({ name, callsPerRequest = 1 }, i) => {
    if (name) (runs[name] ??= []).push({ ...results[i]!, callsPerSecond: results[i]!.requestsPerSecond * callsPerRequest });
  });
  console.log(`  measured ${[...new Set(steps.flatMap((step) => step.name ?? []))].join(", ")}`);
};
const http = (request: RequestSpec, seconds: number): LoadWindow => ({ seconds, requests: [request] });
/** A case no target compares: a warm-up of its own (the load process may be new too), then one window. */
const single = (name: string, request: RequestSpec): Step[] => [
  { window: http(request, WARM_UP_SECONDS) },
  { name, window: http(request, CASE_SECONDS) },
];

try {
  console.log(`keyway bench${quick ? " (quick)" : ""}: ${USERS} users, ${CONNECTIONS} connections, libuv pool ${POOL}`);
  const users = await bench.signUp(USERS);
  const protectedHeaders = users.map((user) => ({ cookie: user.tokenOnly }));
  const protectedQuery: RequestSpec = { method: "GET", path: "/trpc/me.get", headers: protectedHeaders };
  const batchPath = `/trpc/${Array(10).fill("me.get").join(",")}?batch=1&input=${encodeURIComponent("{}")}`;

  await measure(single("plain Fastify route", { method: "GET", path: "/health", headers: [{}] }));

  // The protected query runs between the two cases compared with it, in an order that reverses
  // every round, so a machine that slows down or speeds up during the run favours no case.
  // Each target is the median of its per-round ratios; each case reports its median window.
  const compared: Step[] = [
    { name: "public tRPC query", window: http({ method: "GET", path: "/trpc/health", headers: [{}] }, COMPARED_SECONDS) },
    { name: "protected tRPC query", window: http(protectedQuery, COMPARED_SECONDS) },
    { name: "batch of 10 protected", callsPerRequest: 10, window: http({ method: "GET", path: batchPath, headers: protectedHeaders }, COMPARED_SECONDS) },
  ];
  await measure([
    ...compared.map(({ window }) => ({ window: { ...window, seconds: WARM_UP_SECONDS } })),
    ...Array.from({ length: COMPARED_ROUNDS }, (_, round) => (round % 2 === 0 ? compared : compared.toReversed())).flat(),
  ]);

  const signInRequest: RequestSpec = {
    method: "POST",
    path: "/api/auth/sign-in/email",
    headers: [{ origin, "content-type": "application/json" }],
    bodies: users.map((user) => JSON.stringify({ email: user.email, password: PASSWORD })),
  };
  const signIn: Step = { name: "email sign-in", window: { count: SIGN_INS, requests: [signInRequest] } };
  const rawScrypt: Step = { name: RAW_SCRYPT, window: { count: SIGN_INS, scrypt: true } };
  await measure([
    ...single("protected, cookie cache", { method: "GET", path: "/trpc/me.get", headers: users.map((user) => ({ cookie: user.withCache })) }),
    { window: { count: 2 * CONNECTIONS, requests: [signInRequest] } },
    ...Array.from({ length: SIGN_IN_ROUNDS }, (_, round) => (round % 2 === 0 ? [signIn, rawScrypt] : [rawScrypt, signIn])).flat(),
    ...single("write mutation", {
      method: "POST",
      path: "/trpc/settings.update",
      headers: users.map((user) => ({ cookie: user.tokenOnly, origin, "content-type": "application/json" })),
      bodies: users.map((_, i) => JSON.stringify({ json: { theme: i % 2 ? "dark" : "light" } })),
    }),
  ]);
  const results = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [name, median(list, (run) => run.callsPerSecond)]),
  );
  const base = results["public tRPC query"]!.requestsPerSecond;

  // The soak's own warm-up: RSS is compared from steady state, not from before the first request of this kind.
  await bench.load([http(protectedQuery, SOAK_WARMUP)], CONNECTIONS);
  const rssBefore = bench.rss();
  const [soak] = await bench.load([http(protectedQuery, SOAK_SECONDS)], CONNECTIONS);
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
    { target: `soak ${SOAK_SECONDS}s: no errors`, value: soak!.errors + soak!.non2xx, max: 0 },
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
        seconds: { case: CASE_SECONDS, warmUp: WARM_UP_SECONDS, compared: COMPARED_SECONDS },
        signInsPerWindow: SIGN_INS,
        rounds: { compared: COMPARED_ROUNDS, signIn: SIGN_IN_ROUNDS },
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

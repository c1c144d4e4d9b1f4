// npm run bench [-- --quick] [-- --only=floor,index]: starts keyway in production mode on
// PostgreSQL (and baselines beside it), drives them from a separate process, and reports each
// case as a ratio to a baseline measured in the same run. Writes bench/results.json.
// A group of cases is one function below; add a group by adding one to GROUPS.
import { writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { FEED_LAG_MS } from "../server/session-fast-path/recent-changes.js";
import type { LoadResult, LoadWindow, RequestSpec } from "./load.js";
import { type BenchUser, PASSWORD, POOL, rssOf, startBenchServer } from "./setup.js";

const quick = process.argv.includes("--quick");
const only = process.argv.find((arg) => arg.startsWith("--only="))?.slice("--only=".length).split(",");
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
const COMPARED_ROUNDS = quick ? 1 : 36;
/**
 * Sign-ins complete 10–20 a second. A window is a number of sign-ins, not a time: cut off at a
 * deadline, it would leave its queued sign-ins hashing on the server into the next window.
 */
const SIGN_INS = quick ? 20 : 100;
const SIGN_IN_ROUNDS = quick ? 1 : 5;
const SOAK_SECONDS = quick ? 4 : 60;
const SOAK_WARMUP = quick ? 1 : 15;
const USERS = quick ? 20 : 300;
/** Sessions in the session cache while one account spams profile changes (the cache holds 50,000). */
const CACHED_SESSIONS = quick ? 2_000 : 49_000;
const CONNECTIONS = 10;
const MB = 1024 * 1024;
const RAW_SCRYPT = "raw scrypt hashes (same pool)";
const median = <T>(items: T[], by: (item: T) => number) => [...items].sort((a, b) => by(a) - by(b))[Math.floor(items.length / 2)]!;

interface Step {
  /** Recorded under this case; a step without a name is warm-up. */
  name?: string;
  callsPerRequest?: number;
  window: LoadWindow;
}
type Run = LoadResult & { callsPerSecond: number };
interface Target {
  target: string;
  value: number;
  min?: number;
  max?: number;
  /** How `value` is printed. */
  unit?: "MB" | "%";
}

const bench = await startBenchServer();
const { origin } = bench;
const idleRss = bench.rss();
const runs: Record<string, Run[]> = {};
const targets: Target[] = [];
const notes: Record<string, unknown> = {};
/** Runs the steps back to back in one load process and files each result under its case. */
const measure = async (steps: Step[]) => {
  const results = await bench.load(steps.map((step) => step.window), CONNECTIONS);
  steps.forEach(({ name, callsPerRequest = 1 }, i) => {
    if (name) (runs[name] ??= []).push({ ...results[i]!, callsPerSecond: results[i]!.requestsPerSecond * callsPerRequest });
  });
  console.log(`  measured ${[...new Set(steps.flatMap((step) => step.name ?? []))].join(", ")}`);
};
const http = (request: RequestSpec, seconds: number, url?: string): LoadWindow => ({ seconds, requests: [request], url });
/** A case no target compares: a warm-up of its own (the load process may be new too), then one window. */
const single = (name: string, request: RequestSpec): Step[] => [
  { window: http(request, WARM_UP_SECONDS) },
  { name, window: http(request, CASE_SECONDS) },
];
/**
 * Cases compared with one another: a warm-up of each, then `rounds` rounds of all of them in an
 * order that reverses every round, so a machine that slows down or speeds up during the run
 * favours no case. Each target is the median of its per-round ratios (see `ratio`).
 */
const rounds = (steps: Step[], count = COMPARED_ROUNDS, warmUp = WARM_UP_SECONDS): Step[] => [
  ...steps.map(({ window }) => ({ window: "seconds" in window ? { ...window, seconds: warmUp } : window })),
  ...Array.from({ length: count }, (_, round) => (round % 2 === 0 ? steps : steps.toReversed())).flat(),
];
/** The median over rounds of `name`'s calls/s divided by `baseline`'s in the same round. */
const ratio = (name: string, baseline: string) =>
  median(runs[name]!.map((run, round) => run.callsPerSecond / runs[baseline]![round]!.callsPerSecond), (value) => value);

console.log(`keyway bench${quick ? " (quick)" : ""}: ${USERS} users, ${CONNECTIONS} connections, libuv pool ${POOL}`);
const users = await bench.signUp(USERS);
const me = (list: BenchUser[], cookie: "tokenOnly" | "withCache" = "tokenOnly"): RequestSpec => ({
  method: "GET",
  path: "/trpc/me.get",
  headers: list.map((user) => ({ cookie: user[cookie] })),
});
const protectedQuery = me(users);
const publicQuery: RequestSpec = { method: "GET", path: "/trpc/health", headers: [{}] };

const GROUPS: Record<string, () => Promise<void>> = {
  /** keyway against the framework's floor and against the integration the guides show. */
  async floor() {
    const bare = await bench.startBaseline("bare-trpc");
    const guides = await bench.startBaseline("guides");
    const batchPath = `/trpc/${Array(10).fill("me.get").join(",")}?batch=1&input=${encodeURIComponent("{}")}`;
    await measure(single("plain Fastify route", { method: "GET", path: "/health", headers: [{}] }));
    await measure(
      rounds([
        { name: "bare tRPC + superjson, public", window: http(publicQuery, COMPARED_SECONDS, bare.url) },
        { name: "public tRPC query", window: http(publicQuery, COMPARED_SECONDS) },
        { name: "protected tRPC query", window: http(protectedQuery, COMPARED_SECONDS) },
        { name: "batch of 10 protected", callsPerRequest: 10, window: http({ ...protectedQuery, path: batchPath }, COMPARED_SECONDS) },
        { name: "guides' integration, protected", window: http(protectedQuery, COMPARED_SECONDS, guides.url) },
      ]),
    );
    targets.push(
      { target: "public tRPC ≥ 0.8 × bare tRPC server", value: ratio("public tRPC query", "bare tRPC + superjson, public"), min: 0.8 },
      { target: "protected ≥ 0.9 × public tRPC", value: ratio("protected tRPC query", "public tRPC query"), min: 0.9 },
      { target: "batch of 10 ≥ 5 × single protected (calls/s)", value: ratio("batch of 10 protected", "protected tRPC query"), min: 5 },
      { target: "protected ≥ 4 × guides' integration", value: ratio("protected tRPC query", "guides' integration, protected"), min: 4 },
    );
  },

  /**
   * The cookie cache pays only when the session cache misses (a new instance, an entry past its
   * time to live or evicted): a keyway server whose session cache holds one entry misses on
   * every call here. Its users sign in there once its change feed can vouch for new sessions
   * (FEED_LAG_MS after it came up), so that the cookie's version is checked without a query.
   */
  async cookieCache() {
    const missing = await bench.startKeyway({ SESSION_FAST_PATH_MAX_ENTRIES: "1" });
    await new Promise((resolve) => setTimeout(resolve, FEED_LAG_MS + 1_000));
    const signedIn = await bench.signIn(missing.url, Math.min(USERS, 40));
    await measure(
      rounds(
        [
          { name: "session cache miss, token only", window: http(me(signedIn), COMPARED_SECONDS, missing.url) },
          { name: "session cache miss, JWE cookie cache", window: http(me(signedIn, "withCache"), COMPARED_SECONDS, missing.url) },
        ],
        quick ? 1 : 12,
      ),
    );
    targets.push({
      target: "cookie cache ≥ 1.2 × no cookie cache, on session-cache misses",
      value: ratio("session cache miss, JWE cookie cache", "session cache miss, token only"),
      min: 1.2,
    });
    await measure(single("protected, cookie cache", me(users, "withCache")));
  },

  async signIn() {
    const signInRequest: RequestSpec = {
      method: "POST",
      path: "/api/auth/sign-in/email",
      headers: [{ origin, "content-type": "application/json" }],
      bodies: users.map((user) => JSON.stringify({ email: user.email, password: PASSWORD })),
    };
    const signIn: Step = { name: "email sign-in", window: { count: SIGN_INS, requests: [signInRequest] } };
    const rawScrypt: Step = { name: RAW_SCRYPT, window: { count: SIGN_INS, scrypt: true } };
    await measure([
      { window: { count: 2 * CONNECTIONS, requests: [signInRequest] } },
      ...Array.from({ length: SIGN_IN_ROUNDS }, (_, round) => (round % 2 === 0 ? [signIn, rawScrypt] : [rawScrypt, signIn])).flat(),
    ]);
    targets.push({ target: "sign-ins/s ≥ 0.8 × raw scrypt hashes/s", value: ratio("email sign-in", RAW_SCRYPT), min: 0.8 });
  },

  async write() {
    await measure(
      single("write mutation", {
        method: "POST",
        path: "/trpc/settings.update",
        headers: users.map((user) => ({ cookie: user.tokenOnly, origin, "content-type": "application/json" })),
        bodies: users.map((_, i) => JSON.stringify({ json: { theme: i % 2 ? "dark" : "light" } })),
      }),
    );
  },

  /** Memory at rest and after a steady protected-query load; the soak's own warm-up starts it. */
  async memory() {
    await bench.load([http(protectedQuery, SOAK_WARMUP)], CONNECTIONS);
    const rssBefore = bench.rss();
    const [soak] = await bench.load([http(protectedQuery, SOAK_SECONDS)], CONNECTIONS);
    const rssAfter = bench.rss();
    notes.soak = { seconds: SOAK_SECONDS, ...soak, rssBefore, rssAfter };
    targets.push(
      { target: "RSS idle after start ≤ 150 MB", value: idleRss / MB, max: 150, unit: "MB" },
      { target: "RSS after the protected-query load ≤ 300 MB", value: rssAfter / MB, max: 300, unit: "MB" },
      { target: `soak ${SOAK_SECONDS}s: RSS growth < 10 %`, value: (rssAfter - rssBefore) / rssBefore, max: 0.1, unit: "%" },
      { target: `soak ${SOAK_SECONDS}s: no errors`, value: soak!.errors + soak!.non2xx, max: 0 },
    );
  },

  /**
   * The session cache's per-user index: with ~49k sessions cached, one account changes its
   * profile as fast as it can (each change empties that user's entries on every instance) while
   * another user's me.get is measured on connections of its own, against the same me.get alone.
   */
  async index() {
    const cookies = await bench.seedSessions(CACHED_SESSIONS);
    await bench.load([{ count: CACHED_SESSIONS, requests: [{ method: "GET", path: "/trpc/me.get", headers: cookies.map((cookie) => ({ cookie })) }] }]);
    const [spammer, reader] = users;
    const read: RequestSpec = me([reader!]);
    const spam = {
      connections: 5,
      requests: [
        {
          method: "POST" as const,
          path: "/trpc/me.update",
          headers: [{ cookie: spammer!.tokenOnly, origin, "content-type": "application/json" }],
          bodies: ["a", "b"].map((name) => JSON.stringify({ json: { name: `Spammer ${name}` } })),
        },
      ],
    };
    const seconds = quick ? 1 : 2;
    await measure(
      rounds(
        [
          { name: "me.get, ~49k sessions cached", window: { seconds, requests: [read], connections: 5 } },
          { name: "me.get, another account spamming me.update", window: { seconds, requests: [read], connections: 5, alongside: spam } },
        ],
        quick ? 1 : 8,
        quick ? 1 : 3,
      ),
    );
    const spammed = runs["me.get, another account spamming me.update"]!;
    notes.index = {
      cachedSessions: CACHED_SESSIONS,
      spamPerSecond: median(spammed, (run) => run.alongside!.total).alongside!.total / seconds,
      spamErrors: spammed.reduce((sum, run) => sum + run.alongside!.errors + run.alongside!.non2xx, 0),
      rssAfter: bench.rss() / MB,
    };
    targets.push({
      target: "me.get with another account spamming ≥ 0.8 × without",
      value: ratio("me.get, another account spamming me.update", "me.get, ~49k sessions cached"),
      min: 0.8,
    });
  },

  /**
   * Input cost: another account sends tRPC inputs near the body limit whose superjson meta would
   * make deserializing quadratic (a Set walked once per referential-equality path), while a
   * user's me.get is measured on connections of its own; against the same attack with the same
   * JSON and no meta, which the server parses as much and refuses alike.
   */
  async inputCost() {
    const [attacker, reader] = users.slice(2);
    const n = quick ? 3_000 : 30_000;
    const json = { s: Array.from({ length: n }, (_, i) => i), x: 0 };
    const equalities = Object.fromEntries(Array.from({ length: n }, (_, i) => [`s.${i}`, ["x"]]));
    const attack = (body: unknown) => ({
      connections: 2,
      requests: [
        {
          method: "POST" as const,
          path: "/trpc/me.update",
          headers: [{ cookie: attacker!.tokenOnly, origin, "content-type": "application/json" }],
          bodies: [JSON.stringify(body)],
        },
      ],
    });
    const read = me([reader!]);
    const seconds = quick ? 1 : 2;
    await measure(
      rounds(
        [
          { name: "me.get, another account sending large plain inputs", window: { seconds, requests: [read], connections: 5, alongside: attack({ json }) } },
          {
            name: "me.get, another account sending quadratic superjson inputs",
            window: { seconds, requests: [read], connections: 5, alongside: attack({ json, meta: { values: { s: ["set"] }, referentialEqualities: equalities, v: 1 } }) },
          },
        ],
        quick ? 1 : 8,
        quick ? 1 : 3,
      ),
    );
    targets.push({
      target: "me.get during a quadratic-input attack ≥ 0.8 × during a plain one",
      value: ratio("me.get, another account sending quadratic superjson inputs", "me.get, another account sending large plain inputs"),
      min: 0.8,
    });
  },
};

try {
  for (const [name, group] of Object.entries(GROUPS)) {
    if (only && !only.includes(name)) continue;
    console.log(`${name}:`);
    await group();
  }
  const results = Object.fromEntries(Object.entries(runs).map(([name, list]) => [name, median(list, (run) => run.callsPerSecond)]));
  const base = results["public tRPC query"]?.callsPerSecond;
  console.table(
    Object.entries(results).map(([name, result]) => ({
      case: name,
      "req/s": Math.round(result.requestsPerSecond),
      "calls/s": Math.round(result.callsPerSecond),
      "p50 ms": result.p50,
      "p99 ms": result.p99,
      "× public tRPC": base ? Number((result.callsPerSecond / base).toFixed(2)) : "—",
      errors: result.errors + result.non2xx,
    })),
  );
  const checked = targets.map((row) => ({
    ...row,
    value: Number((row.unit === "%" ? row.value * 100 : row.value).toFixed(row.unit ? 1 : 3)),
    met: row.min !== undefined ? row.value >= row.min : row.value <= row.max!,
  }));
  console.table(checked.map(({ target, value, unit, met }) => ({ target, value: unit ? `${value} ${unit}` : value, met: met ? "met" : "NOT MET" })));
  if (notes.index) console.log("index case:", JSON.stringify(notes.index));

  writeFileSync(
    new URL("./results.json", import.meta.url),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        quick,
        only,
        machine: { cores: availableParallelism(), libuvPool: POOL, node: process.version },
        users: USERS,
        connections: CONNECTIONS,
        seconds: { case: CASE_SECONDS, warmUp: WARM_UP_SECONDS, compared: COMPARED_SECONDS },
        signInsPerWindow: SIGN_INS,
        rounds: { compared: COMPARED_ROUNDS, signIn: SIGN_IN_ROUNDS },
        idleRss,
        cases: results,
        runs,
        ...notes,
        targets: checked,
      },
      null,
      2,
    )}\n`,
  );
  if (!quick && checked.some((row) => !row.met)) process.exitCode = 1;
} finally {
  await bench.stop();
}

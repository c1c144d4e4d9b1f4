// npm run soak [-- --minutes N]: mixed traffic against a production server on PostgreSQL
// (sign-ins, protected queries, mutations, invalid requests) for N minutes (default 5).
// Passes when nothing answered 5xx (other than a deliberate 503) and the service holds no
// more database connections afterwards than before. Not part of npm test.
import pg from "pg";
import type { RequestSpec } from "./load.js";
import { PASSWORD, startBenchServer } from "./setup.js";

const minutesFlag = process.argv.indexOf("--minutes");
const minutes = minutesFlag > 0 ? Number(process.argv[minutesFlag + 1]) : 5;

const bench = await startBenchServer();
const { origin } = bench;
const connectionsOf = async () => {
  const client = new pg.Client({ connectionString: bench.database.url });
  await client.connect();
  const { rows } = await client.query(
    "select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
  );
  await client.end();
  return rows[0].n as number;
};

try {
  const users = await bench.signUp(50);
  const json = { origin, "content-type": "application/json" };
  const requests: RequestSpec[] = [
    { method: "POST", path: "/api/auth/sign-in/email", headers: [json], bodies: users.map((u) => JSON.stringify({ email: u.email, password: PASSWORD })) },
    { method: "GET", path: "/trpc/me.get", headers: users.map((u) => ({ cookie: u.withCache })) },
    { method: "GET", path: "/trpc/settings.get,session.get?batch=1&input=%7B%7D", headers: users.map((u) => ({ cookie: u.tokenOnly })) },
    {
      method: "POST",
      path: "/trpc/settings.update",
      headers: users.map((u) => ({ ...json, cookie: u.tokenOnly })),
      bodies: users.map((_, i) => JSON.stringify({ json: { theme: i % 2 ? "dark" : "light" } })),
    },
    // Invalid on purpose: wrong password, malformed JSON, bad input, no session, forged cookie.
    { method: "POST", path: "/api/auth/sign-in/email", headers: [json], bodies: users.map((u) => JSON.stringify({ email: u.email, password: "wrong" })) },
    { method: "POST", path: "/trpc/settings.update", headers: users.map((u) => ({ ...json, cookie: u.tokenOnly })), bodies: ["{not json"] },
    { method: "POST", path: "/trpc/settings.update", headers: users.map((u) => ({ ...json, cookie: u.tokenOnly })), bodies: ['{"json":{"theme":"neon"}}'] },
    { method: "GET", path: "/trpc/me.get", headers: [{}] },
    { method: "GET", path: "/trpc/me.get", headers: [{ cookie: "better-auth.session_token=forged.c2lnbmF0dXJl" }] },
  ];
  const before = await connectionsOf();
  const rssBefore = bench.rss();
  console.log(`soaking for ${minutes} min with ${requests.length} kinds of request…`);
  const result = (await bench.load([{ seconds: minutes * 60, requests }]))[0]!;
  await new Promise((resolve) => setTimeout(resolve, 35_000)); // idle pool connections time out after 30 s
  const after = await connectionsOf();
  const rssAfter = bench.rss();

  const serverErrors = Object.entries(result.statusCodes).filter(([code]) => Number(code) >= 500 && code !== "503");
  console.table([
    { measure: "requests", value: result.total },
    { measure: "req/s", value: Math.round(result.requestsPerSecond) },
    ...Object.entries(result.statusCodes).map(([code, count]) => ({ measure: `status ${code}`, value: count })),
    { measure: "transport errors", value: result.errors },
    { measure: "DB connections before → after", value: `${before} → ${after}` },
    { measure: "RSS MiB before → after", value: `${(rssBefore / 2 ** 20).toFixed(0)} → ${(rssAfter / 2 ** 20).toFixed(0)}` },
  ]);
  const ok = serverErrors.length === 0 && result.errors === 0 && after <= before;
  console.log(ok ? "soak passed" : "soak FAILED");
  process.exitCode = ok ? 0 : 1;
} finally {
  await bench.stop();
}

import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { request } from "node:http";
import { randomUUID } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient } from "../sdk/src/index.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { freePort, type ServerProcess, startServerProcess } from "./helpers/server-process.js";

/**
 * compose.yaml's topology without Docker: the built artifact migrated once by its CLI, two
 * replicas with MIGRATE_ON_START=false and TRUST_PROXY=true on one PostgreSQL and Redis, and
 * nginx in front with deploy/nginx.conf (only its upstream addresses and port changed).
 */
const run = promisify(execFile);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// Inside the repository, so the build resolves this checkout's node_modules; its own dist, so
// tests/build-artifact.test.ts rebuilding dist/ at the same time cannot pull it from under us.
const outDir = resolve("node_modules/.cache", `keyway-topology-${randomUUID().slice(0, 8)}`);
const nginxDir = join(outDir, "nginx");

let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let replicas: ServerProcess[] = [];
let nginx: ChildProcess | undefined;
let proxyUrl: string;

/** A POST from another loopback address (a different real client IP for nginx); resolves with the status. */
async function postFrom(localAddress: string, url: string, headers: Record<string, string>, body: string) {
  const sent = request(url, { method: "POST", localAddress, headers }).end(body);
  const [response] = (await once(sent, "response")) as [import("node:http").IncomingMessage];
  response.resume();
  return response.statusCode;
}

beforeAll(async () => {
  await run(process.execPath, ["node_modules/typescript/bin/tsc", "-p", "tsconfig.build.json", "--outDir", outDir], { timeout: 110_000 });
  cpSync("db/migrations", join(outDir, "db/migrations"), { recursive: true });
  writeFileSync(join(outDir, "package.json"), JSON.stringify({ type: "module" }));

  database = await createPostgresDatabase();
  const proxyPort = await freePort();
  proxyUrl = `http://127.0.0.1:${proxyPort}`;
  const env = {
    NODE_ENV: "test",
    DATABASE_URL: database.url,
    REDIS_URL,
    REDIS_PREFIX: `topology-${randomUUID()}:`,
    BETTER_AUTH_URL: proxyUrl,
    BETTER_AUTH_SECRET: "topology-secret-topology-secret-0123456789",
    MIGRATE_ON_START: "false",
    TRUST_PROXY: "true",
    RATE_LIMIT: "true",
    SWEEP_INTERVAL_SECONDS: "0",
  };
  await run(process.execPath, [join(outDir, "server/cli.js"), "migrate"], { env: { PATH: process.env.PATH ?? "", ...env }, timeout: 60_000 });
  const main = join(outDir, "server/main.js");
  replicas = await Promise.all([startServerProcess(env, [main]), startServerProcess(env, [main])]);
  // startServerProcess's BETTER_AUTH_URL is the replica's own; ours (the proxy's) wins.

  mkdirSync(nginxDir, { recursive: true });
  const [one, two] = replicas.map((replica) => new URL(replica.url).host);
  const conf = readFileSync("deploy/nginx.conf", "utf8")
    .replace("keyway-1:3000", one!)
    .replace("keyway-2:3000", two!)
    .replace("listen 8080;", `listen 127.0.0.1:${proxyPort};`)
    .replace("pid /tmp/nginx.pid;", `pid ${join(nginxDir, "nginx.pid")};`)
    .replace("access_log /dev/stdout;", "access_log off;");
  writeFileSync(join(nginxDir, "nginx.conf"), conf);
  nginx = spawn("nginx", ["-p", nginxDir, "-c", join(nginxDir, "nginx.conf"), "-e", join(nginxDir, "error.log"), "-g", "daemon off;"], { stdio: "ignore" });
  for (let attempt = 0; attempt < 100; attempt++) {
    if (await fetch(`${proxyUrl}/ready`).then((response) => response.ok, () => false)) return;
    if (nginx.exitCode !== null) throw new Error(`nginx exited with ${nginx.exitCode}`);
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error("nginx did not answer");
});

afterAll(async () => {
  if (nginx?.exitCode === null) nginx.kill("SIGTERM");
  await Promise.all(replicas.map((replica) => replica.stop()));
  await database?.drop();
  rmSync(outDir, { recursive: true, force: true });
});

const requestsServed = (replica: ServerProcess, path: string) =>
  replica
    .output()
    .split("\n")
    .filter((line) => line.includes('"msg":"incoming request"') && line.includes(`"url":"${path}`)).length;

describe("two built replicas behind nginx on one PostgreSQL and Redis", () => {
  it("a session made through the proxy works on both replicas, and a sign-out ends it on both", async () => {
    const client = createClient({ baseUrl: proxyUrl });
    const email = uniqueEmail("topology");
    expect((await client.auth.signUp.email({ email, password: PASSWORD, name: "Topology" })).error).toBeNull();
    const cookie = await client.cookieJar!.getCookieString(proxyUrl);

    for (let call = 0; call < 4; call++) expect((await client.api.me.get.query()).email).toBe(email);
    for (const replica of replicas) expect(requestsServed(replica, "/trpc/me.get")).toBeGreaterThan(0);

    expect((await client.auth.signOut()).error).toBeNull();
    // The old cookie, replayed at each replica in turn through the proxy, is refused everywhere.
    for (let call = 0; call < 4; call++) {
      const response = await fetch(`${proxyUrl}/trpc/me.get`, { headers: { cookie } });
      expect(response.status).toBe(401);
    }
  });

  it("rate limits count the address nginx saw, whatever X-Forwarded-For the client sends", async () => {
    const signIn = (address: string, forged: string) =>
      postFrom(
        address,
        `${proxyUrl}/api/auth/sign-in/email`,
        { "content-type": "application/json", origin: proxyUrl, "x-forwarded-for": forged },
        JSON.stringify({ email: uniqueEmail("nobody"), password: "wrong password entirely" }),
      );

    // Better Auth allows 3 sign-in attempts per 10 seconds and address; a new forged header each time.
    const statuses = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push(await signIn("127.0.0.2", `10.0.0.${attempt + 1}`));
    expect(statuses).toEqual([401, 401, 401, 429]);
    // Another client is not held back by the first one's attempts.
    expect(await signIn("127.0.0.3", "10.0.0.1")).toBe(401);
    for (const replica of replicas) expect(requestsServed(replica, "/api/auth/sign-in/email")).toBeGreaterThan(0);
  });

  it("every response carries nginx's request id, never the client's, and the replica logs it", async () => {
    const response = await fetch(`${proxyUrl}/health`, { headers: { "x-request-id": "forged-by-client" } });
    const id = response.headers.get("x-request-id");
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    // The replica writes "request completed" once the response is out: wait for the line to arrive.
    const completed = () =>
      replicas.flatMap((replica) => replica.output().split("\n")).some((line) => line.includes(`"reqId":"${id}"`) && line.includes('"msg":"request completed"'));
    for (let attempt = 0; attempt < 100 && !completed(); attempt++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(completed()).toBe(true);
    expect(replicas.some((replica) => replica.output().includes("forged-by-client"))).toBe(false);
  });
});

import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, signedUpClient } from "../helpers/clients.js";
import { startScratchPostgres } from "../helpers/scratch-postgres.js";
import { type ServerProcess, startServerProcess } from "../helpers/server-process.js";
import type { TestServer } from "../helpers/server.js";

let postgres: Awaited<ReturnType<typeof startScratchPostgres>>;
let server: ServerProcess;
let cookie: string;

beforeAll(async () => {
  postgres = await startScratchPostgres({ maxConnections: 12 });
  server = await startServerProcess({ DATABASE_URL: postgres.url, DB_POOL_MAX: "8", SELF_SERVICE_WRITES_PER_MINUTE: "100000" });
  const { client } = await signedUpClient(server as unknown as TestServer, "restart");
  cookie = await cookieOf(client, server as unknown as TestServer);
});
afterAll(async () => {
  if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  await postgres?.destroy();
});

type Answer = { status: number; retryAfter: string | null } | { lost: string };

async function call(path: string, init: RequestInit = {}): Promise<Answer> {
  try {
    const response = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { cookie, origin: server.url, "content-type": "application/json" },
      signal: AbortSignal.timeout(15_000),
    });
    await response.arrayBuffer();
    return { status: response.status, retryAfter: response.headers.get("retry-after") };
  } catch (error) {
    return { lost: String((error as { cause?: { code?: string } }).cause?.code ?? error) };
  }
}

const statusOf = (answer: Answer) => ("status" in answer ? answer.status : 0);

async function until(ok: () => Promise<boolean>) {
  for (let attempt = 0; attempt < 80; attempt++) {
    if (await ok()) return true;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

describe("PostgreSQL restarting under load", () => {
  it("loses no process and answers no 500: transactions in flight get 503 with Retry-After, then service resumes", async () => {
    const answers: Answer[] = [];
    let running = true;
    // Settings updates run a transaction (the change and its audit row); reads go through the session.
    const worker = async (index: number) => {
      for (let round = 0; running; round++) {
        answers.push(
          index % 2 === 0
            ? await call("/trpc/settings.update", { method: "POST", body: JSON.stringify({ json: { theme: round % 2 ? "dark" : "light" } }) })
            : await call("/trpc/settings.get"),
        );
      }
    };
    const workers = Array.from({ length: 6 }, (_, index) => worker(index));
    for (const mode of ["fast", "immediate", "fast", "immediate"] as const) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      await postgres.stop(mode);
      await postgres.start();
      expect(await until(async () => statusOf(await call("/trpc/settings.get")) === 200 || server.child.exitCode !== null)).toBe(true);
      expect(server.child.exitCode).toBeNull();
    }
    running = false;
    await Promise.all(workers);

    expect(server.child.exitCode).toBeNull();
    expect(answers.filter((answer) => "lost" in answer)).toEqual([]);
    const statuses = answers.map(statusOf);
    expect(statuses.filter((status) => status !== 200 && status !== 503)).toEqual([]);
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(20);
    for (const answer of answers) if ("status" in answer && answer.status === 503) expect(answer.retryAfter).toBe("5");
    expect(statusOf(await call("/trpc/settings.get"))).toBe(200);
  });

  it("warns at start when DB_POOL_MAX takes more than a fair share of max_connections", () => {
    const warning = server.output().split("\n").find((line) => line.includes("max_connections"));
    expect(warning).toMatch(/DB_POOL_MAX=8.*max_connections=12/);
    expect(JSON.parse(warning!).level).toBe(40);
  });

  it('answers "too many clients" (53300) with 503 and Retry-After, then resumes once connections free up', async () => {
    const admin = new pg.Client({ connectionString: postgres.url });
    await admin.connect();
    // Every connection keyway holds goes away (it must survive that), then the test takes every slot left.
    await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where pid <> pg_backend_pid() and backend_type = 'client backend'");
    const hogs: pg.Client[] = [];
    for (;;) {
      const hog = new pg.Client({ connectionString: postgres.url });
      hog.on("error", () => {});
      try {
        await hog.connect();
        hogs.push(hog);
      } catch (error) {
        expect((error as { code?: string }).code).toBe("53300");
        break;
      }
    }
    try {
      const answer = await call("/trpc/settings.get");
      expect(answer).toEqual({ status: 503, retryAfter: "5" });
      expect(server.child.exitCode).toBeNull();
    } finally {
      await Promise.all(hogs.map((hog) => hog.end()));
      await admin.end();
    }
    expect(await until(async () => statusOf(await call("/trpc/settings.get")) === 200)).toBe(true);
  });
});

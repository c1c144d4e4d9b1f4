import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../db/schema/index.js";
import { uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { startSmtpServer } from "./helpers/smtp.js";

// PostgreSQL whatever the suite runs on: PGlite has no connection to kill.
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;

beforeAll(async () => {
  database = await createPostgresDatabase();
  smtp = await startSmtpServer();
  server = await startServer({ DATABASE_URL: database.url, SMTP_URL: smtp.url });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
  await database?.drop();
});

describe("the mail worker losing its PostgreSQL connection mid-send", () => {
  it("still records the message as sent, and it arrives exactly once", async () => {
    const held = smtp.holdNextMessage();
    const email = uniqueEmail("cut");
    const response = await fetch(`${server.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });
    expect(response.status).toBe(200);
    await held.reached;

    // Every connection keyway holds to its database, the worker's among them.
    const killer = new pg.Client({ connectionString: database.url });
    await killer.connect();
    const { rows } = await killer.query(
      "select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
    );
    await killer.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row: { killed: boolean }) => row.killed)).toBe(true);

    held.release();
    for (let waited = 0; ; waited++) {
      const [row] = await server.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email)).catch(() => []);
      if (row?.status === "sent") break;
      if (waited > 300) throw new Error(`mail not recorded as sent: ${JSON.stringify(row)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(smtp.count(email)).toBe(1);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});

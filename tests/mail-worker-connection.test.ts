import { eq } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { mailOutbox } from "../db/schema/index.js";
import { uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase, LOCAL_POSTGRES } from "./helpers/database.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { startSmtpServer } from "./helpers/smtp.js";

// PostgreSQL whatever the suite runs on: PGlite has no connection to kill.
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
let admin: pg.Client;
const name = () => new URL(database.url).pathname.slice(1);

beforeAll(async () => {
  database = await createPostgresDatabase();
  smtp = await startSmtpServer();
  server = await startServer({ DATABASE_URL: database.url, SMTP_URL: smtp.url });
  admin = new pg.Client({ connectionString: process.env.DATABASE_URL ?? LOCAL_POSTGRES });
  await admin.connect();
});
afterAll(async () => {
  await admin?.query(`alter database ${name()} allow_connections true`).catch(() => {});
  await admin?.end();
  await server?.close();
  await smtp?.close();
  await database?.drop();
});

async function until(what: string, probe: () => Promise<boolean> | boolean) {
  for (let waited = 0; !(await probe()); waited++) {
    if (waited > 300) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("the mail worker losing its PostgreSQL connection mid-send", () => {
  it("records the message as sent once the database is back, and it arrives exactly once", async () => {
    const held = smtp.holdNextMessage();
    const email = uniqueEmail("cut");
    const response = await fetch(`${server.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });
    expect(response.status).toBe(200);
    await held.reached;

    // While the SMTP server holds DATA open: every connection keyway has to its database
    // (the worker's among them) is killed, and no new one is let in until the mail is accepted.
    await admin.query(`alter database ${name()} allow_connections false`);
    const { rows } = await admin.query("select pg_terminate_backend(pid) as killed from pg_stat_activity where datname = $1", [name()]);
    expect(rows.length).toBeGreaterThan(0);
    held.release();
    await until("the mail accepted", () => smtp.count(email) === 1);
    await until("a failed attempt to record it", () => server.logs().some((line) => line.msg === "mail outcome not recorded yet (sent); retrying"));
    await admin.query(`alter database ${name()} allow_connections true`);

    await until("the mail recorded as sent", async () => {
      const [row] = await server.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email)).catch(() => []);
      return row?.status === "sent";
    });
    expect(smtp.count(email)).toBe(1);
    expect((await fetch(`${server.url}/ready`)).status).toBe(200);
  });
});

describe("a message the database refuses to queue", () => {
  it("fails the request without its link or code reaching any log line", async () => {
    const keyway = new pg.Client({ connectionString: database.url });
    await keyway.connect();
    await keyway.query(`create function refuse_mail() returns trigger language plpgsql as $$ begin raise exception 'no mail today'; end $$;
      create trigger refuse_mail before insert on mail_outbox for each row execute function refuse_mail()`);
    const printed = vi.spyOn(console, "error");
    try {
      const email = uniqueEmail("unqueued");
      const response = await fetch(`${server.url}/api/auth/sign-in/magic-link`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email, callbackURL: "/" }),
      });
      expect(response.status).toBeGreaterThanOrEqual(500);
      expect(server.logs().some((line) => line.msg === "mail not queued" && line.subject === "Your sign-in link")).toBe(true);
      const everything = [...server.logs().map((line) => JSON.stringify(line)), ...printed.mock.calls.map((call) => call.map(String).join(" "))].join("\n");
      expect(everything).not.toContain("magic-link/verify");
      expect(everything).not.toContain("token=");
    } finally {
      printed.mockRestore();
      await keyway.query("drop trigger refuse_mail on mail_outbox; drop function refuse_mail()");
      await keyway.end();
    }
  });
});

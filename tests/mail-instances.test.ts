import { eq, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailOutbox } from "../db/schema/index.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { startSmtpServer } from "./helpers/smtp.js";

// Two instances on one PostgreSQL database, whatever the suite runs on (PGlite is one process).
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let servers: TestServer[] = [];

beforeAll(async () => {
  database = await createPostgresDatabase();
  smtp = await startSmtpServer({ mode: "closed" });
  const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, MAIL_RETRY_BASE_SECONDS: "0.1", MAIL_RETRY_MAX_SECONDS: "0.5" };
  servers = [await startServer(env), await startServer(env)];
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await smtp?.close();
  await database?.drop();
});

describe("two instances sharing the mail queue", () => {
  it("send each message exactly once when SMTP comes back", async () => {
    const batch = `batch-${Date.now()}`;
    for (let index = 0; index < 20; index++) {
      const server = servers[index % 2]!;
      const response = await fetch(`${server.url}/api/auth/sign-in/magic-link`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url },
        body: JSON.stringify({ email: `${batch}-${index}@example.com`, callbackURL: "/" }),
      });
      expect(response.status).toBe(200);
    }
    await smtp.setMode("accept");
    const db = servers[0]!.database.db;
    const rows = () => db.select().from(mailOutbox).where(like(mailOutbox.to, `${batch}-%`));
    for (let waited = 0; !(await rows()).every((row) => row.status === "sent"); waited++) {
      if (waited > 300) throw new Error("not every message was sent");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const ids = (await rows()).map((row) => row.id).sort();
    expect(ids).toHaveLength(20);
    const received = smtp.inbox.filter((mail) => mail.to.startsWith(batch)).map((mail) => mail.messageId.replace(/^<|@.*$/g, ""));
    expect(received.sort()).toEqual(ids);
    expect(await db.select().from(mailOutbox).where(eq(mailOutbox.status, "pending"))).toEqual([]);
  });
});

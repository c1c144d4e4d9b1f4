import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, mailOutbox } from "../db/schema/index.js";
import { newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { linkIn, type SmtpMode, startSmtpServer } from "./helpers/smtp.js";

/** Asks for a sign-in link: one message to `email`, no account needed. */
async function askForMagicLink(server: TestServer, email: string) {
  return fetch(`${server.url}/api/auth/sign-in/magic-link`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify({ email, callbackURL: "/" }),
  });
}

const rowsTo = (server: TestServer, email: string) => server.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Every log line the server wrote, as one string, to check what never reaches it. */
const allLogs = (server: TestServer) => server.logs().map((line) => JSON.stringify(line)).join("\n");

describe("the development outbox (no mail server)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ NODE_ENV: "development", REQUIRE_EMAIL_VERIFICATION: "true" });
  });
  afterAll(() => server?.close());

  it("lets a newcomer finish sign-up by following the link it keeps, and logs no link", async () => {
    const client = newClient(server);
    const email = uniqueEmail("newcomer");
    await client.auth.signUp.email({ email, password: PASSWORD, name: "Newcomer" });
    const outbox = await (await fetch(`${server.url}/api/dev/outbox?to=${encodeURIComponent(email)}`)).json();
    expect(outbox.messages).toHaveLength(1);
    expect(outbox.messages[0].subject).toBe("Confirm your email address");
    const link = /https?:\/\/\S+/.exec(outbox.messages[0].text)![0];
    expect((await fetch(link, { redirect: "manual" })).status).toBe(302);
    expect((await client.auth.signIn.email({ email, password: PASSWORD })).error).toBeNull();

    const [row] = await rowsTo(server, email);
    expect(row).toMatchObject({ status: "sent", attempts: 1 });
    expect(server.logs().some((line) => line.msg === "mail kept in the development outbox" && line.mailId === row!.id)).toBe(true);
    expect(allLogs(server)).not.toContain(new URL(link).searchParams.get("token")!);
  });
});

describe("outside development", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(() => server?.close());

  it("has no outbox route", async () => {
    expect((await fetch(`${server.url}/api/dev/outbox`)).status).toBe(404);
  });
});

describe("MAIL_DISABLED", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ MAIL_DISABLED: "true" });
  });
  afterAll(() => server?.close());

  it("drops every message, logging only that it did (no recipient, no link)", async () => {
    const email = uniqueEmail("nomail");
    expect((await askForMagicLink(server, email)).status).toBe(200);
    expect(await rowsTo(server, email)).toEqual([]);
    const dropped = server.logs().filter((line) => line.msg === "mail dropped: MAIL_DISABLED is set");
    expect(dropped).toHaveLength(1);
    expect(dropped[0]).toMatchObject({ subject: "Your sign-in link" });
    expect(allLogs(server)).not.toContain(email);
    expect(allLogs(server)).not.toContain("magic-link/verify");
  });
});

describe("SMTP delivery that fails at first", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ failFirst: 2 });
    server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "true", MAIL_RETRY_BASE_SECONDS: "0.2" });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("answers the request at once and retries until the mail is delivered", async () => {
    const email = uniqueEmail("retry");
    const response = await fetch(`${server.url}/api/auth/sign-up/email`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, password: PASSWORD, name: "Retry" }),
    });
    expect(response.status).toBe(200);
    const mail = await smtp.waitFor(email, /Confirm your email/, 15_000);
    expect(smtp.refusals()).toBe(2);
    expect(linkIn(mail).startsWith(server.url)).toBe(true);
  });
});

describe("an SMTP server that refuses, rejects the login, then offers a bad certificate", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ mode: "closed" });
    server = await startServer({ SMTP_URL: smtp.url, MAIL_RETRY_BASE_SECONDS: "0.2", MAIL_RETRY_MAX_SECONDS: "1", MAIL_MAX_ATTEMPTS: "100" });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("keeps answering, stores each message before the answer, and delivers each exactly once when SMTP is back", async () => {
    const email = uniqueEmail("outage");
    const outages: [SmtpMode, RegExp][] = [
      ["closed", /ECONNREFUSED/],
      ["reject-auth", /Invalid login|535/],
      ["bad-tls", /certificate/],
    ];
    for (const [index, [mode, reason]] of outages.entries()) {
      await smtp.setMode(mode);
      expect((await askForMagicLink(server, email)).status).toBe(200);
      // Stored in the request, before the answer.
      expect(await rowsTo(server, email)).toHaveLength(index + 1);
      await until(`a ${mode} failure in the log`, () =>
        server.logs().some((line) => line.msg === "mail delivery failed, will retry" && reason.test(String(line.reason))),
      );
      expect((await rowsTo(server, email)).map((row) => row.status)).toEqual(Array(index + 1).fill("pending"));
      // The service answers throughout.
      expect((await fetch(`${server.url}/ready`)).status).toBe(200);
      expect((await fetch(`${server.url}/api/auth/ok`)).status).toBe(200);
    }

    await smtp.setMode("accept");
    const ids = (await rowsTo(server, email)).map((row) => row.id);
    await until("every message sent", async () => (await rowsTo(server, email)).every((row) => row.status === "sent"));
    const received = smtp.inbox.filter((mail) => mail.to === email);
    expect(received.map((mail) => mail.messageId.replace(/^<|@.*$/g, "")).sort()).toEqual([...ids].sort());

    const logs = allLogs(server);
    for (const mail of received) expect(logs).not.toContain(new URL(linkIn(mail)).searchParams.get("token")!);
    expect(logs).not.toContain(email);
    expect(logs).not.toContain("magic-link/verify");
  });
});

describe("a message that keeps failing", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ mode: "reject-auth" });
    server = await startServer({ SMTP_URL: smtp.url, MAIL_RETRY_BASE_SECONDS: "0.2", MAIL_MAX_ATTEMPTS: "3" });
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  it("is given up after the last attempt, with an audit event and a log line that hold no body", async () => {
    const email = uniqueEmail("hopeless");
    expect((await askForMagicLink(server, email)).status).toBe(200);
    const failed = await until("the message given up", async () => (await rowsTo(server, email)).find((row) => row.status === "failed"));
    expect(failed).toMatchObject({ attempts: 3, lastError: expect.stringMatching(/Invalid login/) });

    const [event] = await server.database.db.select().from(auditEvent).where(eq(auditEvent.targetId, failed.id));
    expect(event).toMatchObject({ action: "mail.delivery_failed", targetType: "mail", detail: { to: email, subject: "Your sign-in link", attempts: 3 } });
    expect(JSON.stringify(event)).not.toContain("magic-link/verify");

    const gaveUp = server.logs().filter((line) => line.msg === "mail not delivered: gave up after the last attempt");
    expect(gaveUp).toEqual([expect.objectContaining({ mailId: failed.id, attempts: 3 })]);
    expect(server.logs().filter((line) => line.msg === "mail delivery failed, will retry")).toHaveLength(2);
    expect(allLogs(server)).not.toContain("magic-link/verify");
    expect(allLogs(server)).not.toContain(email);
  });
});

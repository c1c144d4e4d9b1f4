import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uniqueEmail } from "./helpers/clients.js";
import { createTestDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { linkIn, startSmtpServer } from "./helpers/smtp.js";

const dataDir = mkdtempSync(join(tmpdir(), "keyway-mail-restart-"));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let env: Record<string, string>;
const processes: ServerProcess[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer({ mode: "closed" });
  env = {
    NODE_ENV: "test",
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    SMTP_URL: smtp.url,
    MAIL_RETRY_BASE_SECONDS: "0.2",
    MAIL_RETRY_MAX_SECONDS: "1",
    MAIL_MAX_ATTEMPTS: "50",
  };
});
afterAll(async () => {
  for (const server of processes) await server.stop();
  await smtp?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function outputShows(server: ServerProcess, text: string) {
  for (let waited = 0; !server.output().includes(text); waited++) {
    if (waited > 300) throw new Error(`the server never logged "${text}"`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("mail queued while SMTP is down, across a restart", () => {
  it("is delivered, once, by the next process after a SIGTERM", async () => {
    const first = await startServerProcess(env);
    processes.push(first);
    const email = uniqueEmail("restart");
    const response = await fetch(`${first.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: first.url },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });
    expect(response.status).toBe(200);
    await outputShows(first, "mail delivery failed, will retry");
    expect(await first.stop()).toBe(0);

    await smtp.setMode("accept");
    const second = await startServerProcess(env);
    processes.push(second);
    const mail = await smtp.waitFor(email, /sign-in link/, 20_000);
    expect(linkIn(mail)).toContain("/api/auth/confirm-link/magic-link");
    // Recorded as sent: nothing will send it again.
    await outputShows(second, "mail delivered");
    expect(smtp.count(email)).toBe(1);

    // The token is in the link's fragment, which browsers never send.
    const token = decodeURIComponent(new URL(linkIn(mail)).hash.slice(1));
    expect(token.length).toBeGreaterThan(10);
    for (const output of [first.output(), second.output()]) {
      expect(output).not.toContain(token);
      expect(output).not.toContain(email);
    }
    expect(await second.stop()).toBe(0);
  });

  it("being sent when SIGTERM arrives is finished and recorded before the process exits", async () => {
    const server = await startServerProcess({ ...env, SHUTDOWN_DRAIN_MS: "0" });
    processes.push(server);
    const held = smtp.holdNextMessage();
    const email = uniqueEmail("in-flight");
    await fetch(`${server.url}/api/auth/sign-in/magic-link`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.url },
      body: JSON.stringify({ email, callbackURL: "/" }),
    });
    await held.reached;
    const exited = server.stop();
    await outputShows(server, "shutting down");
    held.release();
    expect(await exited).toBe(0);
    expect(server.output()).toContain("mail delivered");
    expect(smtp.count(email)).toBe(1);
  });
});

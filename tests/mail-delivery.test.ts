import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newClient, PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { linkIn, startSmtpServer } from "./helpers/smtp.js";

describe("the development outbox (no mail server)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer({ NODE_ENV: "development", REQUIRE_EMAIL_VERIFICATION: "true" });
  });
  afterAll(() => server?.close());

  it("lets a newcomer finish sign-up by following the link it keeps", async () => {
    const client = newClient(server);
    const email = uniqueEmail("newcomer");
    await client.auth.signUp.email({ email, password: PASSWORD, name: "Newcomer" });
    const outbox = await (await fetch(`${server.url}/api/dev/outbox?to=${encodeURIComponent(email)}`)).json();
    expect(outbox.messages).toHaveLength(1);
    expect(outbox.messages[0].subject).toBe("Confirm your email address");
    const link = /https?:\/\/\S+/.exec(outbox.messages[0].text)![0];
    expect((await fetch(link, { redirect: "manual" })).status).toBe(302);
    expect((await client.auth.signIn.email({ email, password: PASSWORD })).error).toBeNull();
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

describe("SMTP delivery that fails at first", () => {
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await startSmtpServer({ failFirst: 2 });
    server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "true" });
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

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PASSWORD, signedUpClient, uniqueEmail } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { startSmtpServer } from "../helpers/smtp.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
beforeAll(async () => {
  smtp = await startSmtpServer();
  server = await startServer({ SMTP_URL: smtp.url, REQUIRE_EMAIL_VERIFICATION: "true" });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url },
    body: JSON.stringify(body),
  });

/** Status and body, with the parts that differ on every call (ids, times) blanked. */
async function answer(response: Response) {
  const text = await response.text();
  return { status: response.status, body: text.replace(/"(id|createdAt|updatedAt)":"[^"]*"/g, '"$1":"…"').replace(/"(email|name)":"[^"]*"/g, '"$1":"…"') };
}

describe("no account enumeration", () => {
  it("sign-in answers a wrong password and an unknown email alike", async () => {
    const { email } = await signedUpClient(server, "known");
    const known = await answer(await post("/api/auth/sign-in/email", { email, password: "wrong password!" }));
    const unknown = await answer(await post("/api/auth/sign-in/email", { email: uniqueEmail("ghost"), password: "wrong password!" }));
    expect(known).toEqual(unknown);
    expect(known.status).toBe(401);
  });

  it("sign-up, password reset and magic-link requests answer alike for known and unknown addresses", async () => {
    const { email } = await signedUpClient(server, "existing");
    const ghost = uniqueEmail("ghost");
    expect(await answer(await post("/api/auth/sign-up/email", { email, password: PASSWORD, name: "X" }))).toEqual(
      await answer(await post("/api/auth/sign-up/email", { email: uniqueEmail("newbie"), password: PASSWORD, name: "X" })),
    );
    expect(await answer(await post("/api/auth/request-password-reset", { email, redirectTo: "/reset" }))).toEqual(
      await answer(await post("/api/auth/request-password-reset", { email: ghost, redirectTo: "/reset" })),
    );
    expect(await answer(await post("/api/auth/sign-in/magic-link", { email, callbackURL: "/" }))).toEqual(
      await answer(await post("/api/auth/sign-in/magic-link", { email: ghost, callbackURL: "/" })),
    );
    expect(await answer(await post("/api/auth/email-otp/send-verification-otp", { email, type: "sign-in" }))).toEqual(
      await answer(await post("/api/auth/email-otp/send-verification-otp", { email: ghost, type: "sign-in" })),
    );
  });

  it("sign-up with a username answers alike for known and unknown addresses, username normalised the same way", async () => {
    const { email } = await signedUpClient(server, "named");
    /** The answer with this call's own username (as sent, and as stored in lower case) blanked. */
    const signUp = async (address: string, fields: { username: string; displayUsername?: string }) => {
      const { body, status } = await answer(await post("/api/auth/sign-up/email", { email: address, password: PASSWORD, name: "X", ...fields }));
      const names = [fields.displayUsername, fields.username, fields.username.toLowerCase()].filter((name): name is string => Boolean(name));
      return { status, body: names.reduce((text, name, index) => text.replaceAll(`"${name}"`, `"<name ${index}>"`), body) };
    };
    const fresh = () => `Neo_${crypto.randomUUID().slice(0, 8)}`;
    const [taken, unknown] = [fresh(), fresh()];
    expect(await signUp(email, { username: taken })).toEqual(await signUp(uniqueEmail("named-new"), { username: unknown }));
    const [takenAgain, unknownAgain] = [fresh(), fresh()];
    expect(await signUp(email, { username: takenAgain, displayUsername: `${takenAgain}!` })).toEqual(
      await signUp(uniqueEmail("named-new"), { username: unknownAgain, displayUsername: `${unknownAgain}!` }),
    );
  });

  it("refuses password-reset redirects to untrusted places", async () => {
    const { email } = await signedUpClient(server, "redirected");
    for (const redirectTo of ["https://evil.example/reset", "//evil.example", "/\\evil.example"]) {
      expect((await post("/api/auth/request-password-reset", { email, redirectTo })).status).toBe(403);
    }
  });
});

import { exportJWK, generateKeyPair, type JWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient } from "../../sdk/src/index.js";
import { signedUpClient } from "../helpers/clients.js";
import { confirmLink } from "../helpers/confirm-link.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { linkIn, startSmtpServer } from "../helpers/smtp.js";

let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
let server: TestServer;
let billingKey: JWK;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  billingKey = await exportJWK(privateKey);
  smtp = await startSmtpServer();
  server = await startServer({
    SMTP_URL: smtp.url,
    SERVICES_JSON: JSON.stringify({ services: { billing: { keys: [await exportJWK(publicKey)], permissions: ["sessions:introspect"] } } }),
  });
});
afterAll(async () => {
  await server?.close();
  await smtp?.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: server.url }, body: JSON.stringify(body) });

describe("no token reaches a log line", () => {
  it("after a magic-link sign-in, a password-reset link and a session introspection", async () => {
    const { email } = await signedUpClient(server, "logged");
    const secrets: string[] = [];

    expect((await post("/api/auth/sign-in/magic-link", { email, callbackURL: "/" })).status).toBe(200);
    const magicLink = new URL(linkIn(await smtp.waitFor(email, /sign/i)));
    secrets.push(decodeURIComponent(magicLink.hash.slice(1)));
    const verified = await confirmLink(magicLink.toString());
    expect(verified.status).toBe(302);
    const sessionToken = /session_token=([^;]+)/.exec(verified.headers.getSetCookie().join("; "))![1]!;
    secrets.push(sessionToken, decodeURIComponent(sessionToken).split(".")[0]!);

    expect((await post("/api/auth/request-password-reset", { email, redirectTo: "/reset" })).status).toBe(200);
    const resetLink = new URL(linkIn(await smtp.waitFor(email, /Reset your password/)));
    const resetToken = /\/reset-password\/([^/?]+)/.exec(resetLink.pathname)![1]!;
    secrets.push(resetToken);
    expect((await fetch(resetLink, { redirect: "manual" })).status).toBe(302);

    const billing = createServiceClient({ baseUrl: server.url, service: "billing", privateKey: billingKey });
    expect(await billing.sessions.introspect.mutate({ token: sessionToken })).toMatchObject({ active: true });

    const logged = server.logs().map((line) => JSON.stringify(line));
    const urls = server.logs().flatMap((line) => ((line.req as { url?: string } | undefined)?.url ? [(line.req as { url: string }).url] : []));
    expect(urls.some((url) => url.startsWith("/api/auth/confirm-link/magic-link"))).toBe(true);
    expect(urls.some((url) => url.startsWith("/api/auth/reset-password/"))).toBe(true);
    expect(urls.some((url) => url.startsWith("/trpc/service.sessions.introspect"))).toBe(true);
    for (const secret of secrets) {
      expect({ secret, lines: logged.filter((line) => line.includes(secret)) }).toEqual({ secret, lines: [] });
    }
  });
});

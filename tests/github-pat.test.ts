import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { account, user } from "../db/schema/index.js";
import { cookieOf, newClient, PASSWORD } from "./helpers/clients.js";
import { type FakeUser, startGithub } from "./helpers/oauth-stand-ins.js";
import { startServer, type TestServer } from "./helpers/server.js";

const octo: FakeUser = { id: 583231, login: "octocat", name: "The Octocat", email: "octocat@example.com", emailVerified: true };
const hubot: FakeUser = { id: 480938, login: "hubot", name: "Hubot", email: "hubot@example.com", emailVerified: true };
const PAT = "ghp_octocatPersonalAccessToken0000000000";
const NO_EMAIL_PAT = "ghp_withoutUserEmailScope00000000000000";
const HUBOT_PAT = "ghp_hubotToken000000000000000000000000000";

let github: Awaited<ReturnType<typeof startGithub>>;
let server: TestServer;
beforeAll(async () => {
  github = await startGithub({
    users: [octo],
    pats: new Map([
      [PAT, { user: octo, scopes: ["read:user", "user:email", "public_repo"] }],
      [NO_EMAIL_PAT, { user: octo, scopes: ["read:user"] }],
      [HUBOT_PAT, { user: hubot, scopes: ["read:user", "user:email"] }],
    ]),
  });
  // Rate limiting on, as in production; TRUST_PROXY lets the test speak for several client addresses.
  server = await startServer({ GITHUB_API_URL: github.url, RATE_LIMIT: "true", TRUST_PROXY: "true" });
});
afterAll(async () => {
  await server?.close();
  await github?.close();
});

let ip = 0;
const freshIp = () => `198.51.100.${++ip}`;
const patSignIn = (body: unknown, address = freshIp()) =>
  fetch(`${server.url}/api/auth/pat-signin`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.url, "x-forwarded-for": address },
    body: JSON.stringify(body),
  });

describe("GitHub personal access token sign-in", () => {
  it("signs in through the SDK, creates the user and github account, and keeps only ciphertext", async () => {
    const client = newClient(server);
    const { data, error } = await client.auth.patSignIn({ pat: PAT });
    expect(error).toBeNull();
    expect(data).toEqual({ success: true });
    expect((await client.api.me.get.query())).toMatchObject({ email: octo.email, name: octo.name, emailVerified: true });
    expect(await client.api.account.scopes.query()).toEqual({ scopes: ["read:user", "user:email", "public_repo"] });
    const rest = await fetch(`${server.url}/api/user-scopes`, { headers: { cookie: await cookieOf(client, server) } });
    expect(await rest.json()).toEqual({ scopes: ["read:user", "user:email", "public_repo"] });

    const [row] = await server.database.db.select().from(account).where(eq(account.accountId, String(octo.id)));
    expect(row).toMatchObject({ providerId: "github", scope: "read:user,user:email,public_repo" });
    expect(row!.accessToken).toBeTruthy();
    expect(row!.accessToken).not.toContain(PAT);
    expect(row!.accessToken).not.toContain("ghp_");

    // Signing in again updates the same user and account.
    expect((await patSignIn({ pat: PAT })).status).toBe(200);
    expect(await server.database.db.select().from(user).where(eq(user.email, octo.email))).toHaveLength(1);
    expect(await server.database.db.select().from(account).where(eq(account.accountId, String(octo.id)))).toHaveLength(1);
  });

  it("answers a bad token with 401, a missing field with 400, GitHub down with 503, and sets no cookie", async () => {
    const bad = await patSignIn({ pat: "ghp_revoked" });
    expect(bad.status).toBe(401);
    expect((await bad.json()).message).toMatch(/invalid, expired or revoked/);
    expect(bad.headers.getSetCookie().filter((cookie) => cookie.includes("session_token="))).toEqual([]);

    expect((await patSignIn({})).status).toBe(400);
    expect((await patSignIn({ pat: NO_EMAIL_PAT })).status).toBe(400);

    github.state.down = true;
    try {
      const down = await patSignIn({ pat: PAT });
      expect(down.status).toBe(503);
    } finally {
      github.state.down = false;
    }
  });

  it("refuses to attach GitHub to an unverified local account with the same email", async () => {
    await newClient(server).auth.signUp.email({ email: hubot.email, password: PASSWORD, name: "Squatter" });
    const response = await patSignIn({ pat: HUBOT_PAT });
    expect(response.status).toBe(403);
    expect(await server.database.db.select().from(account).where(eq(account.accountId, String(hubot.id)))).toEqual([]);
  });

  it("allows 5 requests a minute per client IP: the sixth gets 429 while another IP still passes", async () => {
    const address = "203.0.113.50";
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await patSignIn({ pat: "ghp_guess" }, address)).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await patSignIn({ pat: PAT }, "203.0.113.51")).status).toBe(200);
  });

  it("answers 401 on the scopes endpoint when signed out", async () => {
    expect((await fetch(`${server.url}/api/user-scopes`)).status).toBe(401);
  });
});

import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eq } from "drizzle-orm";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import jsonwebtoken from "jsonwebtoken";
import { JwksClient } from "jwks-rsa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jwks } from "../db/schema/index.js";
import { createTestDatabase } from "./helpers/database.js";
import { cookieOf, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

const LIFETIME = 15 * 60;
/** JWT_EXPIRES_IN plus the margin the JWKS keeps a replaced key beyond it. */
const GRACE = LIFETIME + 5 * 60;

/** Debian's python3 with Debian's PyJWT (python3-jwt, python3-cryptography: .ci/run installs them). */
const PYJWT = `
import json, sys, jwt
token, jwks_url, alg, issuer = sys.stdin.read().split()
key = jwt.PyJWKClient(jwks_url).get_signing_key_from_jwt(token).key
print(json.dumps(jwt.decode(token, key, algorithms=[alg], audience=issuer, issuer=issuer)))
`;

type Alg = "RS256" | "ES256" | "EdDSA";

/** PyJWT runs with the token on stdin, never in argv. */
async function pyjwt(jwksUrl: string, token: string, alg: Alg, issuer: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", ["-c", PYJWT], (error, stdout, stderr) =>
      error ? reject(new Error(`PyJWT refused the token: ${stderr}`)) : resolve(JSON.parse(stdout) as Record<string, unknown>),
    );
    child.stdin!.end(`${token} ${jwksUrl} ${alg} ${issuer}`);
  });
}

/**
 * Verifies `token` against the JWKS of the server at `url` with every library here that implements
 * `alg`, each returning the payload it accepted. `issuer` is the URL of the server that minted it
 * (the same database served on another port in this file).
 */
async function everyLibrary(url: string, token: string, alg: Alg, issuer = url) {
  const results: Record<string, Record<string, unknown>> = {};
  const jwksUrl = `${url}/api/auth/jwks`;
  results.jose = (await jwtVerify(token, createRemoteJWKSet(new URL(jwksUrl)), { issuer, audience: issuer, algorithms: [alg] })).payload;
  // jsonwebtoken has no EdDSA: one reason the default is RS256.
  if (alg !== "EdDSA") {
    const key = await new JwksClient({ jwksUri: jwksUrl, cache: false }).getSigningKey(decodeProtectedHeader(token).kid);
    results.jsonwebtoken = jsonwebtoken.verify(token, key.getPublicKey(), { algorithms: [alg], issuer, audience: issuer }) as Record<string, unknown>;
  }
  results.pyjwt = await pyjwt(jwksUrl, token, alg, issuer);
  return results;
}

const dataDir = mkdtempSync(join(tmpdir(), "keyway-jwt-"));
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let server: TestServer | undefined;

/** One database throughout: each step restarts keyway on it with another JWT_ALGORITHM. */
async function serveWith(alg?: Alg) {
  await server?.close();
  server = await startServer({ ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }), ...(alg ? { JWT_ALGORITHM: alg } : {}) });
  return server;
}

async function mint(target: TestServer, cookie: string) {
  const response = await fetch(`${target.url}/api/auth/token`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await server?.close();
  await database?.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("JWTs from /api/auth/token", () => {
  const minted: { alg: Alg; token: string; issuer: string }[] = [];
  let user: { email: string; userId: string; cookie: string };

  it("are RS256 by default, with the documented claims, and verify with jose, jsonwebtoken + jwks-rsa and PyJWT", async () => {
    const target = await serveWith();
    const signedUp = await signedUpClient(target, "jwt");
    user = { ...signedUp, cookie: await cookieOf(signedUp.client, target) };
    const token = await mint(target, user.cookie);
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: "RS256", kid: expect.any(String) });
    const results = await everyLibrary(target.url, token, "RS256");
    expect(Object.keys(results)).toEqual(["jose", "jsonwebtoken", "pyjwt"]);
    for (const payload of Object.values(results)) {
      expect(Object.keys(payload).sort()).toEqual(["aud", "email", "email_verified", "exp", "iat", "iss", "jti", "name", "role", "sub"]);
      expect(payload).toMatchObject({ iss: target.url, aud: target.url, sub: user.userId, email: user.email, email_verified: false, name: "jwt", role: "user" });
      expect((payload.exp as number) - (payload.iat as number)).toBe(LIFETIME);
    }
    minted.push({ alg: "RS256", token, issuer: target.url });
  });

  for (const alg of ["ES256", "EdDSA", "RS256"] as const) {
    it(`switch to ${alg} for new tokens while every unexpired token signed before still verifies`, async () => {
      const target = await serveWith(alg);
      const token = await mint(target, user.cookie);
      expect(decodeProtectedHeader(token).alg).toBe(alg);
      const libraries = Object.keys(await everyLibrary(target.url, token, alg));
      expect(libraries).toEqual(alg === "EdDSA" ? ["jose", "pyjwt"] : ["jose", "jsonwebtoken", "pyjwt"]);
      for (const old of minted) {
        const payloads = await everyLibrary(target.url, old.token, old.alg, old.issuer);
        for (const payload of Object.values(payloads)) expect({ alg: old.alg, sub: payload.sub }).toEqual({ alg: old.alg, sub: user.userId });
      }
      minted.push({ alg, token, issuer: target.url });
      // Back on an algorithm used before, its unexpired key of that time signs again: keys are not made per restart.
      const published = ((await (await fetch(`${target.url}/api/auth/jwks`)).json()) as { keys: { kid: string }[] }).keys;
      expect(published.length).toBe(alg === "RS256" ? 3 : minted.length);
    });
  }

  it("rotate the key after JWT_KEY_ROTATION_DAYS and publish the old one until its last token has expired", async () => {
    const target = server!;
    const db = target.database.db;
    const before = await mint(target, user.cookie);
    const { kid: oldKid } = decodeProtectedHeader(before);
    const [oldRow] = await db.select().from(jwks).where(eq(jwks.id, oldKid!));
    // Better Auth stamps createdAt and expiresAt with two clock reads, which may fall a millisecond apart.
    expect(Math.round((oldRow!.expiresAt!.getTime() - oldRow!.createdAt.getTime()) / 1000)).toBe(30 * 24 * 60 * 60);

    // The rotation interval has run out.
    await db.update(jwks).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(jwks.id, oldKid!));
    const after = await mint(target, user.cookie);
    const { kid: newKid, alg } = decodeProtectedHeader(after);
    expect(alg).toBe("RS256");
    expect(newKid).not.toBe(oldKid);
    expect(Object.keys(await everyLibrary(target.url, before, "RS256"))).toEqual(["jose", "jsonwebtoken", "pyjwt"]);
    expect(Object.keys(await everyLibrary(target.url, after, "RS256"))).toEqual(["jose", "jsonwebtoken", "pyjwt"]);

    // Past the grace period no token the old key signed is still valid: the key leaves the JWKS.
    await db.update(jwks).set({ expiresAt: new Date(Date.now() - (GRACE + 1) * 1000) }).where(eq(jwks.id, oldKid!));
    const published = ((await (await fetch(`${target.url}/api/auth/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((key) => key.kid);
    expect(published).toContain(newKid);
    expect(published).not.toContain(oldKid);
    await expect(pyjwt(`${target.url}/api/auth/jwks`, before, "RS256", target.url)).rejects.toThrow(/PyJWT refused/);
  });

  it("come from /api/auth/token alone: reading the session signs none", async () => {
    const response = await fetch(`${server!.url}/api/auth/get-session`, { headers: { cookie: user.cookie } });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { user: { id: string } }).user.id).toBe(user.userId);
    expect(response.headers.has("set-auth-jwt")).toBe(false);
  });

  it("are refused without a session", async () => {
    const response = await fetch(`${server!.url}/api/auth/token`);
    expect(response.status).toBe(401);
    expect(await response.text()).not.toMatch(/"token"/);
  });
});

import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServiceClient } from "../sdk/src/index.js";
import { cookieOf, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

async function keyPair(alg: "EdDSA" | "ES256") {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

let billing: Awaited<ReturnType<typeof keyPair>>;
let ops: Awaited<ReturnType<typeof keyPair>>;
let oldKey: Awaited<ReturnType<typeof keyPair>>;
let newKey: Awaited<ReturnType<typeof keyPair>>;
let stranger: Awaited<ReturnType<typeof keyPair>>;
let named: Awaited<ReturnType<typeof keyPair>>;
let server: TestServer;

const registry = (rotating: JWK[]) =>
  JSON.stringify({
    services: {
      billing: { keys: [billing.publicJwk], permissions: ["users:read", "sessions:introspect"] },
      ops: { keys: [ops.publicJwk], permissions: ["sessions:revoke"] },
      rotating: { keys: rotating, permissions: ["users:read"] },
      named: { keys: [{ ...named.publicJwk, kid: "named-2026-01", alg: "EdDSA", use: "sig" }], permissions: ["users:read"] },
    },
  });

beforeAll(async () => {
  [billing, ops, oldKey, newKey, stranger, named] = await Promise.all([
    keyPair("EdDSA"),
    keyPair("ES256"),
    keyPair("EdDSA"),
    keyPair("EdDSA"),
    keyPair("EdDSA"),
    keyPair("EdDSA"),
  ]);
  server = await startServer({ SERVICES_JSON: registry([oldKey.publicJwk, newKey.publicJwk]) });
});
afterAll(() => server?.close());

/** A hand-made token, to send the broken ones no SDK would make. */
async function token(
  claims: { sub?: string; aud?: string; iat?: number; exp?: number; jti?: string; nbf?: number },
  key: JWK = billing.privateJwk,
  alg = "EdDSA",
  kid?: string,
) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({ ...(claims.nbf ? { nbf: claims.nbf } : {}) })
    .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
    .setSubject(claims.sub ?? "service:billing")
    .setAudience(claims.aud ?? "service:keyway")
    .setIssuedAt(claims.iat ?? now)
    .setExpirationTime(claims.exp ?? now + 60)
    .setJti(claims.jti ?? crypto.randomUUID());
  return jwt.sign(await importJWK(key, alg === "Ed25519" ? "EdDSA" : alg));
}

const callByEmail = (bearer: string, email = "nobody@example.com", scheme = "Bearer") =>
  fetch(`${server.url}/trpc/service.users.byEmail?input=${encodeURIComponent(JSON.stringify({ json: { email } }))}`, {
    headers: { authorization: `${scheme} ${bearer}` },
  });

/** The reasons of the "service token refused" lines logged since `from`. */
const refusals = (from: number) =>
  server
    .logs()
    .slice(from)
    .filter((line) => line.msg === "service token refused")
    .map((line) => line.reason);

describe("service-to-service calls", () => {
  it("give another backend typed results through createServiceClient", async () => {
    const { email, userId } = await signedUpClient(server, "customer");
    const client = createServiceClient({ baseUrl: server.url, service: "billing", privateKey: billing.privateJwk });
    const found = await client.users.byEmail.query({ email });
    expect(found).toMatchObject({ id: userId, email, banned: false });
    expect(found?.createdAt).toBeInstanceOf(Date);
    const [a, b] = await Promise.all([client.users.byId.query({ id: userId }), client.users.byId.query({ id: "missing" })]);
    expect(a?.email).toBe(email);
    expect(b).toBeNull();

    const es256 = createServiceClient({ baseUrl: server.url, service: "ops", privateKey: ops.privateJwk, algorithm: "ES256" });
    expect((await trpcError(es256.users.byId.query({ id: userId }))).data?.code).toBe("FORBIDDEN");
  });

  it("introspect a user's session and revoke all of a user's sessions, as permitted", async () => {
    const { client, userId } = await signedUpClient(server, "introspected");
    const signed = /session_token=([^;]+)/.exec(await cookieOf(client, server))![1]!;
    const billingClient = createServiceClient({ baseUrl: server.url, service: "billing", privateKey: billing.privateJwk });
    expect(await billingClient.sessions.introspect.mutate({ token: signed })).toMatchObject({ active: true, userId });
    expect((await trpcError(billingClient.sessions.revokeForUser.mutate({ userId }))).data?.code).toBe("FORBIDDEN");

    const opsClient = createServiceClient({ baseUrl: server.url, service: "ops", privateKey: ops.privateJwk, algorithm: "ES256" });
    await opsClient.sessions.revokeForUser.mutate({ userId });
    expect((await trpcError(client.api.me.get.query())).data?.httpStatus).toBe(401);
    expect(await billingClient.sessions.introspect.mutate({ token: signed })).toEqual({ active: false });
  });

  it("refuse every bad token with 401", async () => {
    const now = Math.floor(Date.now() / 1000);
    const { privateJwk } = billing;
    const cases: Record<string, string> = {
      expired: await token({ iat: now - 120, exp: now - 60 }),
      "not yet valid": await token({ iat: now, exp: now + 60, nbf: now + 120 }),
      "issued in the future": await token({ iat: now + 120, exp: now + 180 }),
      "wrong audience": await token({ aud: "service:other" }),
      "unknown service": await token({ sub: "service:intruder" }, stranger.privateJwk),
      "not a service subject": await token({ sub: "user:123" }),
      "bad signature": await token({}, stranger.privateJwk),
      "oversized lifetime": await token({ iat: now, exp: now + 600 }),
      "alg none": `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${Buffer.from(
        JSON.stringify({ sub: "service:billing", aud: "service:keyway", iat: now, exp: now + 60, jti: "x" }),
      ).toString("base64url")}.`,
      HS256: await new SignJWT({})
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("service:billing")
        .setAudience("service:keyway")
        .setIssuedAt()
        .setExpirationTime("60s")
        .setJti("h")
        .sign(new TextEncoder().encode(JSON.stringify(billing.publicJwk))),
      garbage: "not.a.jwt",
    };
    for (const [name, bad] of Object.entries(cases)) {
      const from = server.logs().length;
      const response = await callByEmail(bad);
      expect({ name, status: response.status }).toEqual({ name, status: 401 });
      // Each refusal is logged once, with a reason and never the token.
      const lines = server.logs().slice(from);
      expect({ name, refusals: refusals(from).length }).toEqual({ name, refusals: 1 });
      const longest = bad.split(".").reduce((a, b) => (b.length > a.length ? b : a));
      expect(lines.filter((line) => JSON.stringify(line).includes(longest))).toEqual([]);
    }
    expect(privateJwk.d).toBeDefined();
  });

  it("read the Authorization scheme case-insensitively (RFC 9110), and log why other credentials are refused", async () => {
    for (const scheme of ["bearer", "BEARER", "bEaReR"]) expect({ scheme, status: (await callByEmail(await token({}), undefined, scheme)).status }).toEqual({ scheme, status: 200 });
    const from = server.logs().length;
    const basic = await fetch(`${server.url}/trpc/service.users.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: "x" } }))}`, {
      headers: { authorization: `Basic ${Buffer.from("billing:secret-password").toString("base64")}` },
    });
    expect(basic.status).toBe(401);
    expect((await callByEmail("two words")).status).toBe(401);
    expect(refusals(from)).toEqual(["authorization scheme Basic is not Bearer", "malformed Bearer credentials"]);
    expect(JSON.stringify(server.logs().slice(from))).not.toContain(Buffer.from("billing:secret-password").toString("base64"));
    const missing = server.logs().length;
    expect((await fetch(`${server.url}/trpc/service.users.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: "x" } }))}`)).status).toBe(401);
    expect(server.logs().slice(missing).some((line) => line.msg === "service token missing" && line.level === 30)).toBe(true);
  });

  it("find a registry key by its own kid or by its RFC 7638 thumbprint, and try every key for a token without kid", async () => {
    const thumbprint = await calculateJwkThumbprint(named.publicJwk);
    const as = (kid?: string, alg = "EdDSA") => token({ sub: "service:named" }, named.privateJwk, alg, kid);
    expect((await callByEmail(await as("named-2026-01"))).status).toBe(200);
    expect((await callByEmail(await as(thumbprint))).status).toBe(200);
    expect((await callByEmail(await as())).status).toBe(200);
    const sdk = createServiceClient({ baseUrl: server.url, service: "named", privateKey: named.privateJwk, keyId: "named-2026-01" });
    expect(await sdk.users.byId.query({ id: "x" })).toBeNull();
    // Both keys of a rotation, without kid: whichever signed the token verifies it.
    for (const key of [oldKey, newKey]) expect((await callByEmail(await token({ sub: "service:rotating" }, key.privateJwk))).status).toBe(200);

    const from = server.logs().length;
    expect((await callByEmail(await as("someone-elses-key"))).status).toBe(401);
    expect((await callByEmail(await token({ sub: "service:named" }, stranger.privateJwk, "EdDSA", "named-2026-01"))).status).toBe(401);
    expect(refusals(from)).toEqual(['no key "someone-elses-key" registered for service named', "bad signature"]);
  });

  it('accept alg "Ed25519" (RFC 9864) as EdDSA, for Ed25519 keys only', async () => {
    expect((await callByEmail(await token({}, billing.privateJwk, "Ed25519"))).status).toBe(200);
    // The registry key says alg "EdDSA": the fully specified name still fits it.
    expect((await callByEmail(await token({ sub: "service:named" }, named.privateJwk, "Ed25519", "named-2026-01"))).status).toBe(200);
    const from = server.logs().length;
    const mislabelled = await new SignJWT({})
      .setProtectedHeader({ alg: "ES256" })
      .setSubject("service:billing")
      .setAudience("service:keyway")
      .setIssuedAt()
      .setExpirationTime("60s")
      .setJti(crypto.randomUUID())
      .sign(await importJWK(ops.privateJwk, "ES256"));
    expect((await callByEmail(mislabelled)).status).toBe(401);
    expect(refusals(from)).toEqual(["algorithm ES256 does not fit the key type registered for service billing"]);
  });

  it("refuse a replayed token id", async () => {
    const once = await token({});
    expect((await callByEmail(once)).status).toBe(200);
    expect((await callByEmail(once)).status).toBe(401);
  });

  it("keep user sessions and service tokens apart", async () => {
    const { client } = await signedUpClient(server, "apart");
    const cookie = await cookieOf(client, server);
    const withCookie = await fetch(`${server.url}/trpc/service.users.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: "x" } }))}`, {
      headers: { cookie },
    });
    expect(withCookie.status).toBe(401);
    const serviceAsUser = await fetch(`${server.url}/trpc/me.get`, { headers: { authorization: `Bearer ${await token({})}` } });
    expect(serviceAsUser.status).toBe(401);
  });

  it("accept both keys during a rotation, and only the new one after the old is removed", async () => {
    const byKey = (privateKey: JWK) => createServiceClient({ baseUrl: server.url, service: "rotating", privateKey });
    expect(await byKey(oldKey.privateJwk).users.byId.query({ id: "x" })).toBeNull();
    expect(await byKey(newKey.privateJwk).users.byId.query({ id: "x" })).toBeNull();

    const rotated = await startServer({ SERVICES_JSON: registry([newKey.publicJwk]) });
    try {
      const old = createServiceClient({ baseUrl: rotated.url, service: "rotating", privateKey: oldKey.privateJwk });
      expect((await trpcError(old.users.byId.query({ id: "x" }))).data?.httpStatus).toBe(401);
      const fresh = createServiceClient({ baseUrl: rotated.url, service: "rotating", privateKey: newKey.privateJwk });
      expect(await fresh.users.byId.query({ id: "x" })).toBeNull();
    } finally {
      await rotated.close();
    }
  });
});

describe("JWTs for third parties", () => {
  it("issues a short-lived token for the signed-in user that verifies from the JWKS alone", async () => {
    const { createLocalJWKSet, jwtVerify } = await import("jose");
    const { client, userId } = await signedUpClient(server, "jwt");
    const response = await fetch(`${server.url}/api/auth/token`, { headers: { cookie: await cookieOf(client, server) } });
    expect(response.status).toBe(200);
    const { token: jwt } = (await response.json()) as { token: string };
    const jwks = await (await fetch(`${server.url}/api/auth/jwks`)).json();
    const { payload } = await jwtVerify(jwt, createLocalJWKSet(jwks), { issuer: server.url, audience: server.url });
    expect(payload.sub).toBe(userId);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(15 * 60);
    expect((await fetch(`${server.url}/api/auth/token`)).status).toBe(401);
  });
});

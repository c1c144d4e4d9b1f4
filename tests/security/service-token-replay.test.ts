import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresDatabase } from "../helpers/database.js";
import { startServer, type TestServer } from "../helpers/server.js";

// The used ids live in the database both instances share (under REDIS_URL each test server
// has its own Redis namespace, so Redis cannot be what remembers them).
let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
let a: TestServer;
let b: TestServer;
let privateJwk: JWK;
beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { extractable: true });
  privateJwk = await exportJWK(privateKey);
  database = await createPostgresDatabase();
  const env = {
    DATABASE_URL: database.url,
    SERVICES_JSON: JSON.stringify({ services: { billing: { keys: [await exportJWK(publicKey)], permissions: ["users:read"] } } }),
  };
  a = await startServer(env);
  b = await startServer(env);
});
afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await database?.drop();
});

const token = async () =>
  new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA" })
    .setSubject("service:billing")
    .setAudience("service:keyway")
    .setIssuedAt()
    .setExpirationTime("60s")
    .setJti(crypto.randomUUID())
    .sign(await importJWK(privateJwk, "EdDSA"));

const lookUp = (server: TestServer, bearer: string) =>
  fetch(`${server.url}/trpc/service.users.byId?input=${encodeURIComponent(JSON.stringify({ json: { id: "x" } }))}`, {
    headers: { authorization: `Bearer ${bearer}` },
  }).then((response) => response.status);

describe("a service token id is single-use across instances and restarts, without Redis", () => {
  it("is refused by a second instance once the first accepted it", async () => {
    const once = await token();
    expect(await lookUp(a, once)).toBe(200);
    expect(await lookUp(b, once)).toBe(401);
  });

  it("is refused by the same instance after a restart", async () => {
    const once = await token();
    expect(await lookUp(a, once)).toBe(200);
    await a.stop();
    await a.start();
    expect(await lookUp(a, once)).toBe(401);
    expect(await lookUp(a, await token())).toBe(200);
  });
});

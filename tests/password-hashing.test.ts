import { hashPassword as scryptHash } from "better-auth/crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { account, user } from "../db/schema/index.js";
import { newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

const storedHash = async (userId: string) => {
  const [row] = await server.database.db
    .select({ password: account.password })
    .from(account)
    .where(and(eq(account.userId, userId), eq(account.providerId, "credential")));
  return row!.password!;
};
const setStoredHash = (userId: string, hash: string) =>
  server.database.db.update(account).set({ password: hash }).where(and(eq(account.userId, userId), eq(account.providerId, "credential")));
const signIn = (email: string, password: string) => newClient(server).auth.signIn.email({ email, password });

describe("password hashing", () => {
  it("stores Argon2id (32 MiB, two passes) for a new account, and the password signs in", async () => {
    const { email, userId } = await signedUpClient(server, "argon");
    expect(await storedHash(userId)).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
    expect((await signIn(email, PASSWORD)).error).toBeNull();
    expect((await signIn(email, "not the password at all")).error?.status).toBe(401);
  });

  it("signs in an account with an earlier scrypt hash and replaces it with Argon2id; a wrong password changes nothing", async () => {
    const { email, userId } = await signedUpClient(server, "legacy");
    const scrypt = await scryptHash(PASSWORD);
    expect(scrypt).toMatch(/^[0-9a-f]+:[0-9a-f]+$/);
    await setStoredHash(userId, scrypt);

    expect((await signIn(email, "not the password at all")).error?.status).toBe(401);
    expect(await storedHash(userId)).toBe(scrypt);

    expect((await signIn(email, PASSWORD)).error).toBeNull();
    const upgraded = await storedHash(userId);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);

    expect((await signIn(email, PASSWORD)).error).toBeNull();
    expect(await storedHash(userId)).toBe(upgraded);
    expect((await signIn(email, "not the password at all")).error?.status).toBe(401);
  });

  it("upgrades an Argon2id hash made with weaker parameters", async () => {
    const { email, userId } = await signedUpClient(server, "weak");
    const { hash } = await import("@node-rs/argon2");
    await setStoredHash(userId, await hash(PASSWORD, { memoryCost: 8192, timeCost: 1, parallelism: 1 }));
    expect((await signIn(email, PASSWORD)).error).toBeNull();
    expect(await storedHash(userId)).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
  });

  it("upgrades on a username sign-in too", async () => {
    const client = newClient(server);
    const email = `named-${Date.now()}@example.com`;
    const { data } = await client.auth.signUp.email({ email, password: PASSWORD, name: "Named", username: `named${Date.now()}` });
    const userId = data!.user.id;
    const [{ username }] = (await server.database.db.select({ username: user.username }).from(user).where(eq(user.id, userId))) as [{ username: string }];
    await setStoredHash(userId, await scryptHash(PASSWORD));
    const answer = await newClient(server).auth.signIn.username({ username, password: PASSWORD });
    expect(answer.error).toBeNull();
    expect(await storedHash(userId)).toMatch(/^\$argon2id\$/);
  });

  it("hashes an admin's set-password with Argon2id", async () => {
    const admin = await signedUpClient(server, "hash-admin");
    await server.database.db.update(user).set({ role: "admin" }).where(eq(user.id, admin.userId));
    const target = await signedUpClient(server, "hash-target");
    await setStoredHash(target.userId, await scryptHash(PASSWORD));
    await admin.client.api.admin.users.setPassword.mutate({ userId: target.userId, newPassword: "a password set by an admin" });
    expect(await storedHash(target.userId)).toMatch(/^\$argon2id\$v=19\$m=32768,t=2,p=1\$/);
    expect((await signIn(target.email, "a password set by an admin")).error).toBeNull();
    expect((await signIn(target.email, PASSWORD)).error?.status).toBe(401);
  });
});

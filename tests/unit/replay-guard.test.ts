import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type Database, openDatabase } from "../../db/client.js";
import { serviceTokenUse } from "../../db/schema/index.js";
import { databaseReplayGuard } from "../../server/service-auth/replay.js";
import { createTestDatabase } from "../helpers/database.js";

let scratch: Awaited<ReturnType<typeof createTestDatabase>>;
let database: Database;

beforeAll(async () => {
  scratch = await createTestDatabase();
  database = await openDatabase({ url: scratch.url, dataDir: "memory://" });
  await database.migrate();
});
afterAll(async () => {
  await database?.close();
  await scratch?.drop();
});

test("a token id is used once: the first use is allowed, every later one refused", async () => {
  const guard = databaseReplayGuard(database.db);
  expect(await guard.firstUse("billing:jti-1", 60_000)).toBe(true);
  expect(await guard.firstUse("billing:jti-1", 60_000)).toBe(false);
  expect(await guard.firstUse("billing:jti-2", 60_000)).toBe(true);
  // The same token id from another service is another token.
  expect(await guard.firstUse("reports:jti-1", 60_000)).toBe(true);
});

test("simultaneous uses of one id: exactly one is first", async () => {
  const guard = databaseReplayGuard(database.db);
  const answers = await Promise.all(Array.from({ length: 8 }, () => guard.firstUse("billing:jti-race", 60_000)));
  expect(answers.filter(Boolean)).toHaveLength(1);
});

test("the id is remembered until the token's own expiry", async () => {
  const before = Date.now();
  await databaseReplayGuard(database.db).firstUse("billing:jti-kept", 90_000);
  const [row] = await database.db.select().from(serviceTokenUse).where(eq(serviceTokenUse.id, "billing:jti-kept"));
  expect(row!.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 90_000);
  expect(row!.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 90_000);
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CookieJar, createClient } from "../sdk/src/index.js";
import { runCli } from "./helpers/cli.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { createPostgresDatabase } from "./helpers/database.js";
import { type ServerProcess, startServerProcess } from "./helpers/server-process.js";
import { within1s } from "./helpers/within.js";

const SECRET = "multi-instance-secret-multi-instance-secret-0123";

const signedOut = (promise: Promise<unknown>) =>
  promise.then(
    () => false,
    (error: { data?: { httpStatus?: number } }) => error.data?.httpStatus === 401,
  );

for (const redis of [false, true]) {
  describe(`two instances on one PostgreSQL${redis ? " with Redis" : ""}`, () => {
    let a: ServerProcess;
    let b: ServerProcess;
    let env: Record<string, string>;
    let drop = async () => {};

    beforeAll(async () => {
      const database = await createPostgresDatabase();
      drop = database.drop;
      env = {
        DATABASE_URL: database.url,
        BETTER_AUTH_SECRET: SECRET,
        ...(redis ? { REDIS_URL: "redis://127.0.0.1:6379/1", REDIS_PREFIX: `multi-${Date.now()}:` } : {}),
      };
      a = await startServerProcess(env);
      b = await startServerProcess(env);
    });
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await drop();
    });

    /** One user seen through both instances: cookies for 127.0.0.1 are shared across ports. */
    async function person(label: string) {
      const jar = new CookieJar();
      const onA = createClient({ baseUrl: a.url, cookieJar: jar });
      const onB = createClient({ baseUrl: b.url, cookieJar: jar });
      const email = uniqueEmail(label);
      const { data } = await onA.auth.signUp.email({ email, password: PASSWORD, name: label });
      // Warm instance B's fast path with this session.
      expect((await onB.api.me.get.query()).email).toBe(email);
      return { onA, onB, email, id: data!.user.id, jar };
    }

    async function signInAgain(email: string) {
      const jar = new CookieJar();
      const onA = createClient({ baseUrl: a.url, cookieJar: jar });
      const onB = createClient({ baseUrl: b.url, cookieJar: jar });
      await onA.auth.signIn.email({ email, password: PASSWORD });
      expect((await onB.api.me.get.query()).email).toBe(email);
      return { onA, onB };
    }

    it("sign-out on A is refused on B", async () => {
      const user = await person("signout");
      const stolen = await user.jar.getCookieString(b.url);
      await user.onA.auth.signOut();
      const replay = () => fetch(`${b.url}/trpc/me.get`, { headers: { cookie: stolen } }).then((r) => r.status === 401);
      expect(await within1s(replay)).toBe(true);
    });

    it("a session revoked on A is refused on B", async () => {
      const user = await person("revoke");
      const other = await signInAgain(user.email);
      const otherId = (await other.onB.api.session.get.query())!.session.id;
      await user.onA.api.sessions.revoke.mutate({ id: otherId });
      expect(await within1s(() => signedOut(other.onB.api.me.get.query()))).toBe(true);
      expect((await user.onB.api.me.get.query()).email).toBe(user.email);
    });

    it("a password change on A (revoking other sessions) is refused on B", async () => {
      const user = await person("password");
      const other = await signInAgain(user.email);
      const changed = await user.onA.auth.changePassword({
        currentPassword: PASSWORD,
        newPassword: "an entirely new passphrase",
        revokeOtherSessions: true,
      });
      expect(changed.error).toBeNull();
      expect(await within1s(() => signedOut(other.onB.api.me.get.query()))).toBe(true);
    });

    it("a ban and a role change made on A are reflected on B", async () => {
      const admin = await person("admin");
      const promoted = await runCli(["users:set-role", admin.email, "admin"], env);
      expect(promoted.code).toBe(0);
      expect(await within1s(async () => (await admin.onB.api.me.get.query()).role === "admin")).toBe(true);

      const target = await person("target");
      await admin.onA.api.admin.users.setRole.mutate({ userId: target.id, role: "admin" });
      expect(await within1s(async () => (await target.onB.api.me.get.query()).role === "admin")).toBe(true);
      await admin.onA.api.admin.users.setRole.mutate({ userId: target.id, role: "user" });
      expect(await within1s(async () => (await target.onB.api.me.get.query()).role === "user")).toBe(true);

      await admin.onA.api.admin.users.ban.mutate({ userId: target.id, reason: "abuse" });
      expect(await within1s(() => signedOut(target.onB.api.me.get.query()))).toBe(true);
    });
  });
}

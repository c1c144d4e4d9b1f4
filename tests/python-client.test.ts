import { execFile } from "node:child_process";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { session, user, userSettings } from "../db/schema/index.js";
import { PASSWORD, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

const CLIENT = new URL("../examples/python/keyway_client.py", import.meta.url).pathname;

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());

function runClient(...args: string[]) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    // Whatever python3 the machine has, with nothing installed beside its standard library.
    execFile("python3", ["-I", CLIENT, ...args], { env: { PATH: process.env.PATH ?? "", KEYWAY_URL: server.url } }, (error, stdout, stderr) =>
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe("the Python standard-library client", () => {
  it("signs up, calls a batched query and a mutation, and signs out", async () => {
    const email = uniqueEmail("python");
    const { code, stdout, stderr } = await runClient("--sign-up", email, PASSWORD);
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
    expect(stdout.trim().split("\n")).toEqual([`signed in as ${email}`, `me: ${email} | theme: system | latest event: user.sign_up`, "theme now: light", "signed out: True"]);

    const [row] = await server.database.db.select({ id: user.id }).from(user).where(eq(user.email, email));
    const [settings] = await server.database.db.select({ theme: userSettings.theme }).from(userSettings).where(eq(userSettings.userId, row!.id));
    expect(settings!.theme).toBe("light");
    // Signing out ended the session it opened: none is left.
    expect(await server.database.db.select().from(session).where(eq(session.userId, row!.id))).toEqual([]);
  });

  it("signs in to an existing account the second time, and fails with the server's answer on a wrong password", async () => {
    const email = uniqueEmail("python-again");
    expect((await runClient("--sign-up", email, PASSWORD)).code).toBe(0);
    const again = await runClient(email, PASSWORD);
    expect(again.stdout).toContain("theme now: dark");
    const wrong = await runClient(email, "not the password at all");
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/KeywayError: HTTP 401: .*INVALID_EMAIL_OR_PASSWORD/);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, isForbidden, isNetworkError, type Session } from "../sdk/src/index.js";
import { newClient, PASSWORD, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

let server: TestServer;
let scratch: string;
beforeAll(async () => {
  server = await startServer();
  scratch = mkdtempSync(join(tmpdir(), "keyway-sdk-"));
});
afterAll(async () => {
  await server?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A TCP proxy in front of the server that cuts the first `drop` connections it accepts. */
async function flakyProxy(target: TestServer, drop: number) {
  const { hostname, port } = new URL(target.url);
  let accepted = 0;
  const open = new Set<Socket>();
  const proxy = createServer((socket: Socket) => {
    if (accepted++ < drop) return socket.destroy();
    const upstream = connect(Number(port), hostname);
    for (const end of [socket, upstream]) {
      open.add(end);
      end.on("close", () => open.delete(end));
      end.on("error", () => (end === socket ? upstream : socket).destroy());
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  const address = proxy.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, accepted: () => accepted, close: () => {
      for (const socket of open) socket.destroy();
      return new Promise((resolve) => proxy.close(resolve));
    },
  };
}

describe("onSessionChange", () => {
  it("reports sign-in, sign-out, and a session that ends elsewhere", async () => {
    const email = uniqueEmail("events");
    await newClient(server).auth.signUp.email({ email, password: PASSWORD, name: "Events" });
    const client = newClient(server);
    const seen: Array<Session | null> = [];
    client.onSessionChange((session) => seen.push(session));

    await client.auth.signIn.email({ email, password: PASSWORD });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.user.email).toBe(email);

    await client.signOut();
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeNull();

    // Signed in again, then every session is revoked from another device: the next refused call tells.
    await client.auth.signIn.email({ email, password: PASSWORD });
    const elsewhere = newClient(server);
    await elsewhere.auth.signIn.email({ email, password: PASSWORD });
    await elsewhere.auth.changePassword({ currentPassword: PASSWORD, newPassword: `${PASSWORD}!`, revokeOtherSessions: true });
    expect(seen).toHaveLength(3);
    expect(await trpcError(client.api.me.get.query())).toMatchObject({ data: { code: "UNAUTHORIZED" } });
    expect(seen).toHaveLength(4);
    expect(seen[3]).toBeNull();
  });

  it("stops calling a listener once it unsubscribes", async () => {
    const { client } = await signedUpClient(server, "unsubscribed");
    const seen: Array<Session | null> = [];
    const stop = client.onSessionChange((session) => seen.push(session));
    expect((await client.getSession())?.user.name).toBe("unsubscribed");
    stop();
    await client.signOut();
    expect(seen).toHaveLength(1);
  });
});

describe("signOut", () => {
  it("empties the cookie jar even when the server cannot be reached", async () => {
    const { client } = await signedUpClient(server, "offline");
    const unreachable = createClient({ baseUrl: "http://127.0.0.1:9", cookieJar: client.cookieJar });
    const seen: Array<Session | null> = [];
    unreachable.onSessionChange((session) => seen.push(session));
    await unreachable.signOut();
    expect(await client.cookieJar!.getCookieString(server.url)).toBe("");
    expect(await client.api.session.get.query()).toBeNull();
    expect(seen).toEqual([null]);
  });
});

describe("retries", () => {
  it("tries a query again when the connection fails, but never a mutation", async () => {
    const { client } = await signedUpClient(server, "retry");
    const flaky = await flakyProxy(server, 2);
    try {
      const viaProxy = createClient({ baseUrl: flaky.url, cookieJar: client.cookieJar, origin: new URL(server.url).origin });
      expect(await viaProxy.api.settings.get.query()).toMatchObject({ theme: "system" });
      expect(flaky.accepted()).toBeGreaterThanOrEqual(3);
    } finally {
      await flaky.close();
    }

    const cutOnce = await flakyProxy(server, 1);
    try {
      const viaProxy = createClient({ baseUrl: cutOnce.url, cookieJar: client.cookieJar, origin: new URL(server.url).origin });
      const error = await trpcError(viaProxy.api.settings.update.mutate({ theme: "dark" }));
      expect(isNetworkError(error)).toBe(true);
      expect(cutOnce.accepted()).toBe(1);
      expect(await client.api.settings.get.query()).toMatchObject({ theme: "system" });
    } finally {
      await cutOnce.close();
    }
  });

  it("does not retry an answer from the server", async () => {
    const { client } = await signedUpClient(server, "refused");
    const before = server.requestCount();
    expect(isForbidden(await trpcError(client.api.admin.users.list.query()))).toBe(true);
    expect(server.requestCount() - before).toBe(1);
  });
});

describe("cookieFile", () => {
  it("keeps a CLI signed in between runs, in a file only its owner can read, until it signs out", async () => {
    const file = join(scratch, "cookies.json");
    const email = uniqueEmail("cli");
    const first = createClient({ baseUrl: server.url, cookieFile: file });
    await first.auth.signUp.email({ email, password: PASSWORD, name: "CLI" });
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const second = createClient({ baseUrl: server.url, cookieFile: file });
    expect((await second.api.me.get.query()).email).toBe(email);

    await second.signOut();
    expect(JSON.parse(readFileSync(file, "utf8")).cookies).toEqual([]);
    expect(await createClient({ baseUrl: server.url, cookieFile: file }).api.session.get.query()).toBeNull();
  });
});

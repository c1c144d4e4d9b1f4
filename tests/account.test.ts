import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { userSettings } from "../db/schema/index.js";
import { fieldErrors, isUnauthorized } from "../sdk/src/index.js";
import { cookieOf, newClient, PASSWORD, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";
import { trpcError } from "./helpers/trpc.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.close());


describe("settings", () => {
  it("starts from defaults and round-trips an update", async () => {
    const { client, userId } = await signedUpClient(server, "settings");
    expect(await client.api.settings.get.query()).toEqual({ theme: "system", locale: "en", timeZone: "UTC" });

    const saved = await client.api.settings.update.mutate({ theme: "dark", locale: "pt-br", timeZone: "Europe/Lisbon" });
    expect(saved).toEqual({ theme: "dark", locale: "pt-BR", timeZone: "Europe/Lisbon" });
    expect(await client.api.settings.get.query()).toEqual(saved);

    await client.api.settings.update.mutate({ theme: "light" });
    expect(await client.api.settings.get.query()).toEqual({ ...saved, theme: "light" });
    const rows = await server.database.db.select().from(userSettings).where(eq(userSettings.userId, userId));
    expect(rows).toHaveLength(1);
  });

  it("answers bad input with 400 and field errors, and writes nothing", async () => {
    const { client, userId } = await signedUpClient(server, "badsettings");
    const error = await trpcError(
      // @ts-expect-error theme is one of system/light/dark
      client.api.settings.update.mutate({ theme: "neon", locale: "not a locale!", timeZone: "Mars/Olympus" }),
    );
    expect(error.data!.httpStatus).toBe(400);
    expect(error.message).toBe("Invalid input");
    expect(Object.keys(error.data!.zodError!.fieldErrors).sort()).toEqual(["locale", "theme", "timeZone"]);
    expect(Object.keys(fieldErrors(error)).sort()).toEqual(["locale", "theme", "timeZone"]);
    expect(isUnauthorized(error)).toBe(false);
    expect(isUnauthorized(await trpcError(newClient(server).api.settings.get.query()))).toBe(true);
    const rows = await server.database.db.select().from(userSettings).where(eq(userSettings.userId, userId));
    expect(rows).toEqual([]);

    const extra = await trpcError(
      // @ts-expect-error unknown keys are refused, not ignored
      client.api.settings.update.mutate({ theme: "dark", role: "admin" }),
    );
    expect(extra.data!.httpStatus).toBe(400);
  });
});

describe("profile", () => {
  it("updates name and image, refuses an empty name and a non-http image", async () => {
    const { client } = await signedUpClient(server, "profile");
    const updated = await client.api.me.update.mutate({ name: "New Name", image: "https://example.com/a.png" });
    expect(updated).toMatchObject({ name: "New Name", image: "https://example.com/a.png" });
    expect((await client.api.me.get.query()).name).toBe("New Name");
    expect((await client.api.session.get.query())?.user.name).toBe("New Name");

    const bad = await trpcError(client.api.me.update.mutate({ name: "", image: "javascript:alert(1)" }));
    expect(Object.keys(bad.data!.zodError!.fieldErrors).sort()).toEqual(["image", "name"]);
    expect((await client.api.me.get.query()).name).toBe("New Name");
  });
});

describe("sessions", () => {
  it("lists the caller's sessions without tokens, revokes one, then all others", async () => {
    const { client, email } = await signedUpClient(server, "devices");
    const laptop = newClient(server);
    const phone = newClient(server);
    await laptop.auth.signIn.email({ email, password: PASSWORD });
    await phone.auth.signIn.email({ email, password: PASSWORD });

    const sessions = await client.api.sessions.list.query();
    expect(sessions).toHaveLength(3);
    expect(sessions.filter((entry) => entry.current)).toHaveLength(1);
    for (const entry of sessions) expect(entry).not.toHaveProperty("token");

    const laptopSession = (await laptop.api.session.get.query())!.session.id;
    await client.api.sessions.revoke.mutate({ id: laptopSession });
    expect(await laptop.api.session.get.query()).toBeNull();
    expect(await client.api.sessions.list.query()).toHaveLength(2);

    const missing = await trpcError(client.api.sessions.revoke.mutate({ id: "not-a-session" }));
    expect(missing.data!.code).toBe("NOT_FOUND");

    await client.api.sessions.revokeOthers.mutate();
    expect(await phone.api.session.get.query()).toBeNull();
    expect(await client.api.session.get.query()).not.toBeNull();
  });

  it("cannot revoke another user's session", async () => {
    const alice = await signedUpClient(server, "alice");
    const bob = await signedUpClient(server, "bob");
    const bobSession = (await bob.client.api.session.get.query())!.session.id;
    const error = await trpcError(alice.client.api.sessions.revoke.mutate({ id: bobSession }));
    expect(error.data!.code).toBe("NOT_FOUND");
    expect(await bob.client.api.session.get.query()).not.toBeNull();
    expect(await cookieOf(bob.client, server)).toContain("session_token");
  });
});

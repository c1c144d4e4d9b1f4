import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { organization } from "../db/schema/index.js";
import type { KeywayClient } from "../sdk/src/index.js";
import { cookieOf, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let owner: KeywayClient;
beforeAll(async () => {
  server = await startServer();
  ({ client: owner } = await signedUpClient(server, "slugs"));
});
afterAll(() => server?.close());

const slugs = async () => (await server.database.db.select({ slug: organization.slug }).from(organization)).map((row) => row.slug).sort();
const create = (slug: string) => owner.auth.organization.create({ name: "Acme", slug });

describe("organization slugs", () => {
  it("are stored normalised, and a slug that normalises to a taken one is refused as taken", async () => {
    const first = await create("ACME-x");
    expect(first.error).toBeNull();
    expect(first.data!.slug).toBe("acme-x");
    for (const copy of ["acme-x", "acme-x ", " acme-x", "ＡＣＭＥ-x"]) {
      const { error } = await create(copy);
      expect(error).toMatchObject({ status: 400, code: "SLUG_IS_TAKEN", message: "This slug is taken" });
    }
    expect(await slugs()).toEqual(["acme-x"]);
  });

  it("refuse anything but lower-case ASCII letters, digits and single hyphens, confusables included", async () => {
    // The first "а" is Cyrillic.
    for (const bad of ["аcme-x", "acme--x", "-acme", "acme-", "a", "x".repeat(64), "acme_x", "acme x", "acme.x", "", "   "]) {
      const { error } = await create(bad);
      expect(error?.status, bad).toBe(400);
      // An empty slug is Better Auth's own validation error; the rest are ours.
      if (bad.trim()) expect(error, bad).toMatchObject({ code: "INVALID_SLUG", message: expect.stringContaining("lower-case letters a-z") });
    }
    expect(await slugs()).toEqual(["acme-x"]);
  });

  it("are checked the same way by check-slug", async () => {
    // The SDK has no check-slug: the web app's form calls it directly.
    const checkSlug = async (slug: string) => {
      const response = await fetch(`${server.url}/api/auth/organization/check-slug`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: server.url, cookie: await cookieOf(owner, server) },
        body: JSON.stringify({ slug }),
      });
      return { status: response.status, body: await response.json() };
    };
    expect(await checkSlug(" ACME-X")).toMatchObject({ status: 400, body: { code: "SLUG_IS_TAKEN", field: "slug" } });
    expect(await checkSlug("аcme-x")).toMatchObject({ status: 400, body: { code: "INVALID_SLUG", field: "slug" } });
    expect(await checkSlug("Free-Slug ")).toEqual({ status: 200, body: { status: true } });
  });

  it("are validated and normalised on update, where an organization may keep its own", async () => {
    const { data: second } = await create("Second-Co");
    const update = (slug: string) => owner.auth.organization.update({ organizationId: second!.id, data: { slug } });
    expect((await update(" ACME-x")).error).toMatchObject({ status: 400, code: "SLUG_IS_TAKEN" });
    expect((await update("sеcond-co")).error).toMatchObject({ status: 400, code: "INVALID_SLUG" });
    expect((await update("SECOND-CO ")).data?.slug).toBe("second-co");
    expect((await update("Renamed-Co")).data?.slug).toBe("renamed-co");
    expect(await slugs()).toEqual(["acme-x", "renamed-co"]);
  });
});

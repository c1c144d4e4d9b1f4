import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signedUpClient } from "../helpers/clients.js";
import { startServer, type TestServer } from "../helpers/server.js";
import { trpcError } from "../helpers/trpc.js";

let server: TestServer;
beforeAll(async () => {
  server = await startServer({ SELF_SERVICE_WRITES_PER_MINUTE: "5" });
});
afterAll(() => server?.close());

describe("self-service writes", () => {
  it("allow a bounded number of changes per account and minute, leaving other accounts alone", async () => {
    const spammer = await signedUpClient(server, "spammer");
    const bystander = await signedUpClient(server, "bystander");
    for (let write = 1; write <= 5; write++) await spammer.client.api.me.update.mutate({ name: `Name ${write}` });
    const refused = await trpcError(spammer.client.api.me.update.mutate({ name: "One too many" }));
    expect(refused.data?.httpStatus).toBe(429);
    expect((await trpcError(spammer.client.api.settings.update.mutate({ theme: "dark" }))).data?.httpStatus).toBe(429);
    // The refused change changed nothing, and another account writes as usual.
    expect((await spammer.client.api.me.get.query()).name).toBe("Name 5");
    expect((await bystander.client.api.settings.update.mutate({ theme: "dark" })).theme).toBe("dark");
  });
});

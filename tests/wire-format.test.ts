import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENVELOPE_EXPECTED } from "../server/trpc/transformer.js";
import { cookieOf, signedUpClient } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

let server: TestServer;
let cookie: string;
let client: Awaited<ReturnType<typeof signedUpClient>>["client"];
beforeAll(async () => {
  server = await startServer();
  ({ client } = await signedUpClient(server, "wire"));
  cookie = await cookieOf(client, server);
});
afterAll(() => server?.close());

const get = (path: string, input?: unknown) =>
  fetch(`${server.url}/trpc/${path}${input === undefined ? "" : `${path.includes("?") ? "&" : "?"}input=${encodeURIComponent(JSON.stringify(input))}`}`, { headers: { cookie } });
const post = (path: string, body: unknown) =>
  fetch(`${server.url}/trpc/${path}`, { method: "POST", headers: { cookie, origin: server.url, "content-type": "application/json" }, body: JSON.stringify(body) });

async function refusal(response: Response) {
  const body = (await response.json()) as { error: { json: { message: string; data: { code: string } } } };
  return { status: response.status, code: body.error.json.data.code, message: body.error.json.message };
}
const REFUSED = { status: 400, code: "BAD_REQUEST", message: ENVELOPE_EXPECTED };

describe("the tRPC wire format", () => {
  it("refuses a GET input outside the envelope with 400 saying what is expected, instead of reading it as no input", async () => {
    expect(await refusal(await get("me.securityEvents", { limit: 1 }))).toEqual(REFUSED);
    expect(await refusal(await get("me.securityEvents", [1]))).toEqual(REFUSED);
    expect(await refusal(await get("me.securityEvents", "limit"))).toEqual(REFUSED);
    expect(ENVELOPE_EXPECTED).toContain('{"json": <input>}');
  });

  it("refuses a POST body not shaped {json: …} and changes nothing", async () => {
    expect(await refusal(await post("settings.update", { theme: "dark" }))).toEqual(REFUSED);
    expect(await refusal(await post("settings.update", { json: { theme: "dark" }, theme: "dark" }))).toEqual(REFUSED);
    expect((await client.api.settings.get.query()).theme).toBe("system");
  });

  it("refuses each call of a batch whose input is outside the envelope, and answers the others", async () => {
    const response = await get("health,me.securityEvents?batch=1", { 0: {}, 1: { limit: 1 } });
    expect(response.status).toBe(207);
    const [health, events] = (await response.json()) as [{ result: unknown }, { error: { json: { message: string } } }];
    expect(health.result).toEqual({ data: { json: { status: "ok" } } });
    expect(events.error.json.message).toBe(ENVELOPE_EXPECTED);
  });

  it("takes the envelope, single and batched, and no input as no parameter or {}", async () => {
    const one = await get("me.securityEvents", { json: { limit: 1 } });
    expect(one.status).toBe(200);
    expect(((await one.json()) as { result: { data: { json: { events: unknown[] } } } }).result.data.json.events).toHaveLength(1);
    for (const input of [undefined, {}]) expect((await get("me.securityEvents", input)).status).toBe(200);
    const batch = await get("me.get,me.securityEvents?batch=1", { 1: { json: { limit: 1 } } });
    expect(batch.status).toBe(200);
    expect(await post("settings.update", { json: { theme: "dark" } }).then((response) => response.status)).toBe(200);
    expect((await client.api.settings.get.query()).theme).toBe("dark");
  });
});

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cookieOf, signedUpClient, uniqueEmail } from "./helpers/clients.js";
import { startServer, type TestServer } from "./helpers/server.js";

/**
 * docs/api.md#errors: outside tRPC's envelope every error body is `{code, message}` (Better
 * Auth's keys), with a stable UPPER_SNAKE code, whoever refused the request: a REST route,
 * Fastify itself, the CSRF guard, Better Auth.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startServer({ BODY_LIMIT: "4096", RATE_LIMIT: "true", TRUST_PROXY: "true" });
});
afterAll(() => server?.close());

const LEAKS = /stack|at \w+ \(|select |relation|ECONN|FST_ERR|statusCode/i;

/** The status and body of an error answer, after checking it is exactly the documented shape. */
async function errorOf(response: Response) {
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const text = await response.text();
  expect(text).not.toMatch(LEAKS);
  const body = JSON.parse(text) as Record<string, unknown>;
  expect(Object.keys(body).sort()).toEqual(["code", "message"]);
  expect(body.code).toMatch(/^[A-Z][A-Z0-9_]*$/);
  expect(body.message).toEqual(expect.any(String));
  return { status: response.status, ...body };
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { origin: server.url, ...headers }, body });

/** A request written to the socket as is; resolves to what the server wrote back before closing. */
function raw(request: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(server.url);
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = "";
    socket.on("data", (chunk) => (answer += chunk.toString()));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(answer.split(" ", 2)[1]), body: answer.slice(answer.indexOf("\r\n\r\n") + 4) }));
  });
}

describe("Fastify's own refusals", () => {
  it("an unknown route is 404 NOT_FOUND, whatever the method", async () => {
    expect(await errorOf(await fetch(`${server.url}/no/such/route`))).toEqual({ status: 404, code: "NOT_FOUND", message: "No such route" });
    expect(await errorOf(await post("/api/session", "{}", { "content-type": "application/json" }))).toMatchObject({ status: 404, code: "NOT_FOUND" });
  });

  it("malformed or empty JSON is 400 BAD_REQUEST and says why", async () => {
    expect(await errorOf(await post("/api/session", '{"broken":', { "content-type": "application/json" }))).toEqual({
      status: 400,
      code: "BAD_REQUEST",
      message: "Body is not valid JSON but content-type is set to 'application/json'",
    });
    expect(await errorOf(await post("/api/me", "", { "content-type": "application/json" }))).toMatchObject({ status: 400, code: "BAD_REQUEST" });
  });

  it("a body over BODY_LIMIT is 413 PAYLOAD_TOO_LARGE, on the API and on the authentication endpoints", async () => {
    const big = JSON.stringify({ json: { name: "x".repeat(10_000) } });
    const expected = { status: 413, code: "PAYLOAD_TOO_LARGE", message: "Request body is too large" };
    expect(await errorOf(await post("/trpc/me.update", big, { "content-type": "application/json" }))).toEqual(expected);
    expect(await errorOf(await post("/api/auth/sign-up/email", big, { "content-type": "application/json" }))).toEqual(expected);
  });

  it("a content type that is not one is 415 UNSUPPORTED_MEDIA_TYPE", async () => {
    const answer = await post("/api/auth/sign-in/email", "{}", { "content-type": "not a media type" });
    expect(await errorOf(answer)).toMatchObject({ status: 415, code: "UNSUPPORTED_MEDIA_TYPE" });
  });

  it("a URL that is not valid is 400, one too long 414, neither quoted back", async () => {
    expect(await errorOf(await fetch(`${server.url}/api/%c0secret`))).toEqual({ status: 400, code: "BAD_REQUEST", message: "The URL is not valid" });
    const long = await errorOf(await fetch(`${server.url}/trpc/${"a".repeat(9_000)}`));
    expect(long).toMatchObject({ status: 414, code: "URI_TOO_LONG" });
  });

  it("a request Node cannot parse is 400, headers too large 431, in the same body", async () => {
    const broken = await raw("GET / HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n");
    expect(broken.status).toBe(400);
    expect(JSON.parse(broken.body)).toEqual({ code: "BAD_REQUEST", message: "The request is malformed" });
    const huge = await raw(`GET / HTTP/1.1\r\nHost: x\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    expect(huge.status).toBe(431);
    expect(JSON.parse(huge.body)).toMatchObject({ code: "REQUEST_HEADER_FIELDS_TOO_LARGE" });
  });
});

describe("keyway's REST routes and guards", () => {
  it("a protected route without a session is 401 UNAUTHORIZED; an admin route for a user is 403 FORBIDDEN", async () => {
    expect(await errorOf(await fetch(`${server.url}/api/admin/stats`))).toEqual({ status: 401, code: "UNAUTHORIZED", message: "Sign in to continue" });
    const { client } = await signedUpClient(server, "shape");
    const cookie = await cookieOf(client, server);
    expect(await errorOf(await fetch(`${server.url}/api/admin/stats`, { headers: { cookie } }))).toMatchObject({ status: 403, code: "FORBIDDEN" });
    // The CSRF guard in front of tRPC answers in the same body.
    expect(await errorOf(await post("/trpc/settings.update", "theme=dark", { cookie, "content-type": "text/plain" }))).toMatchObject({
      status: 415,
      code: "UNSUPPORTED_MEDIA_TYPE",
    });
    const foreign = await post("/trpc/settings.update", '{"json":{}}', { cookie, "content-type": "application/json", origin: "https://evil.example" });
    expect(await errorOf(foreign)).toMatchObject({ status: 403, code: "INVALID_ORIGIN" });
  });
});

describe("Better Auth's endpoints", () => {
  const signIn = (email: string, client: string) =>
    post("/api/auth/sign-in/email", JSON.stringify({ email, password: "not the password" }), {
      "content-type": "application/json",
      "x-forwarded-for": client,
    });

  it("answer with the same keys: their own codes, an unknown endpoint and the rate limiter's 429 included", async () => {
    expect(await errorOf(await signIn(uniqueEmail("nobody"), "198.51.100.20"))).toMatchObject({ status: 401, code: "INVALID_EMAIL_OR_PASSWORD" });
    expect(await errorOf(await fetch(`${server.url}/api/auth/no-such-endpoint`))).toMatchObject({ status: 404, code: "NOT_FOUND" });
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let attempt = 0; attempt < 4; attempt++) {
      const answer = await signIn(uniqueEmail("hammer"), "198.51.100.21");
      statuses.push(answer.status);
      if (answer.status === 429) limited = answer;
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect(await errorOf(limited!)).toMatchObject({ status: 429, code: "TOO_MANY_REQUESTS" });
  });
});

describe("tRPC", () => {
  it("keeps tRPC's envelope", async () => {
    const answer = await fetch(`${server.url}/trpc/settings.get`);
    expect(answer.status).toBe(401);
    expect(await answer.json()).toMatchObject({
      error: { json: { message: "Sign in to continue", code: -32001, data: { code: "UNAUTHORIZED", httpStatus: 401 } } },
    });
  });
});

describe("while shutting down", () => {
  it("a new request is 503 SERVICE_UNAVAILABLE with Retry-After", async () => {
    server.app.startDraining();
    const answer = await fetch(`${server.url}/api/session`);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(await errorOf(answer)).toMatchObject({ status: 503, code: "SERVICE_UNAVAILABLE" });
  });
});

import { randomUUID } from "node:crypto";
import { createClient, type KeywayClient } from "../../sdk/src/index.js";
import type { TestServer } from "./server.js";

export const PASSWORD = "correct horse battery staple";

export function uniqueEmail(label = "user") {
  return `${label}-${randomUUID().slice(0, 8)}@example.com`;
}

export function newClient(server: TestServer, options: { fetch?: typeof fetch } = {}): KeywayClient {
  return createClient({ baseUrl: server.url, ...options });
}

/** Signs up a fresh account through the SDK; the returned client carries its session cookie. */
export async function signedUpClient(server: TestServer, label = "user") {
  const client = newClient(server);
  const email = uniqueEmail(label);
  const { data, error } = await client.auth.signUp.email({ email, password: PASSWORD, name: label });
  if (error || !data) throw new Error(`sign-up failed: ${JSON.stringify(error)}`);
  return { client, email, userId: data.user.id };
}

/** The Cookie header the client would send to the server: for replaying with plain fetch. */
export async function cookieOf(client: KeywayClient, server: TestServer) {
  if (!client.cookieJar) throw new Error("no cookie jar");
  return client.cookieJar.getCookieString(server.url);
}

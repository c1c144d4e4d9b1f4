import { fromNodeHeaders } from "better-auth/node";
import { parseCookie, stringifyCookie } from "cookie";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { type ErrorBody, errorBody, sendError } from "../http/error-body.js";
import { isDependencyFailure } from "../http/errors.js";
import type { AccessDecider } from "./access.js";
import type { Auth } from "./auth.js";
import { API_KEY_HEADER, CLIENT_IP_HEADER } from "./auth-headers.js";

const HOP_BY_HOP = ["connection", "content-length", "keep-alive", "transfer-encoding", "upgrade"];

export interface AuthMountOptions {
  auth: Auth;
  access: AccessDecider;
  baseUrl: string;
  /** Resolves true when the database does not answer: Better Auth's 5xx then becomes 503. */
  databaseDown: () => Promise<boolean>;
}

/** The one /api/auth endpoint an API key may call: who am I. */
const API_KEY_PATHS = new Set(["/api/auth/get-session"]);

/**
 * Mounts Better Auth's fetch handler at /api/auth/*. The plugin is encapsulated and keeps
 * every body as raw bytes, so JSON and form posts reach Better Auth exactly as sent.
 * Every request passes the access decision first: an API key may only ask who it is, and a
 * session cookie the decision refuses (a ban, an ended impersonation) reaches Better Auth
 * as no cookie at all.
 */
export const authMount: FastifyPluginAsync<AuthMountOptions> = async (app, { auth, access, baseUrl, databaseDown }) => {
  const { authCookies } = await auth.$context;
  const sessionCookies = [authCookies.sessionToken.name, authCookies.sessionData.name, authCookies.dontRememberToken.name];
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    async handler(request, reply) {
      const headers = fromNodeHeaders(request.headers);
      for (const name of HOP_BY_HOP) headers.delete(name);
      headers.set(CLIENT_IP_HEADER, request.ip);
      const path = request.url.split("?", 1)[0]!;
      if (headers.has(API_KEY_HEADER) && !API_KEY_PATHS.has(path)) {
        return reply
          .code(403)
          .send({ code: "API_KEY_NOT_ALLOWED", message: "API keys call the API (/trpc), not the authentication endpoints" });
      }
      const cookies = headers.get("cookie");
      const decided = cookies?.includes(authCookies.sessionToken.name) || headers.has(API_KEY_HEADER) ? await access.decide(headers) : undefined;
      const refusal = decided?.decision.refusal;
      if (refusal && (refusal.code === "AMBIGUOUS_CREDENTIALS" || headers.has(API_KEY_HEADER))) {
        return reply.code(refusal.status).send({ code: refusal.code, message: refusal.message });
      }
      if (refusal && cookies) headers.set("cookie", withoutCookies(cookies, sessionCookies));
      const raw = request.method === "GET" ? undefined : (request.body as Buffer | undefined);
      const body = raw && raw.length > 0 ? new Uint8Array(raw) : undefined;
      let response: Response;
      try {
        response = await auth.handler(new Request(new URL(request.url, baseUrl), { method: request.method, headers, body }));
      } catch (error) {
        // Better Auth throws what is not a refusal (onAPIError.throw): logged here, by our logger only.
        const unavailable = isDependencyFailure(error) || (await databaseDown());
        if (unavailable) request.log.warn({ err: error }, "dependency unavailable");
        else request.log.error({ err: error }, "authentication endpoint failed");
        return failure(reply, unavailable, 500);
      }

      // A 503 is ours (a captcha, SMS or breach-check provider down) and says so; other 5xx are hidden.
      if (response.status >= 500 && response.status !== 503) {
        // Better Auth has logged the cause; the client learns only whether to retry.
        return failure(reply, await databaseDown(), response.status);
      }
      reply.status(response.status);
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") reply.header(name, value);
      });
      // Every answer here may carry or reveal a session.
      reply.header("cache-control", "no-store");
      // Better Auth's limiter says when to retry in its own header; clients and proxies read the standard one.
      const retryAfter = response.headers.get("x-retry-after");
      if (response.status === 429 && retryAfter) reply.header("retry-after", retryAfter);
      // A refresh made while deciding comes first, so that Better Auth's own cookies win.
      const setCookies = [...(decided?.setCookies ?? []), ...response.headers.getSetCookie()];
      if (setCookies.length > 0) reply.header("set-cookie", setCookies);
      return reply.send(await bodyOf(response, reply));
    },
  });
};

function withoutCookies(header: string, names: string[]): string {
  const kept = Object.entries(parseCookie(header, { decode: String })).filter(([name]) => !names.includes(name));
  return stringifyCookie(Object.fromEntries(kept) as Record<string, string>, { encode: String });
}

/**
 * Better Auth's answer as sent, but for the two it gives without its `{code, message}`: a path it
 * has no endpoint for (a bare `null`) and its rate limiter's 429 (a message only).
 */
async function bodyOf(response: Response, reply: FastifyReply): Promise<Buffer | ErrorBody | null> {
  const bytes = response.body ? Buffer.from(await response.arrayBuffer()) : null;
  if (response.status === 404 && (!bytes || bytes.length === 0 || bytes.toString() === "null")) {
    reply.removeHeader("content-length").header("content-type", "application/json; charset=utf-8");
    return errorBody(404, { message: "No such authentication endpoint" });
  }
  if (response.status === 429 && bytes) {
    const answer = parseJson(bytes);
    if (typeof answer === "object" && answer !== null && !("code" in answer)) {
      reply.removeHeader("content-length");
      return { ...errorBody(429), ...answer };
    }
  }
  return bytes;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString());
  } catch {
    return undefined;
  }
}

/** A failed answer tells the client only whether to retry. */
function failure(reply: FastifyReply, unavailable: boolean, status: number) {
  return sendError(reply, unavailable ? 503 : status);
}

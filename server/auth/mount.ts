import { fromNodeHeaders } from "better-auth/node";
import type { FastifyPluginAsync } from "fastify";
import type { Auth } from "./auth.js";
import { CLIENT_IP_HEADER } from "./auth-headers.js";

const HOP_BY_HOP = ["connection", "content-length", "keep-alive", "transfer-encoding", "upgrade"];

/**
 * Mounts Better Auth's fetch handler at /api/auth/*. The plugin is encapsulated and keeps
 * every body as raw bytes, so JSON and form posts reach Better Auth exactly as sent.
 */
export interface AuthMountOptions {
  auth: Auth;
  baseUrl: string;
  /** Resolves true when the database does not answer: Better Auth's 5xx then becomes 503. */
  databaseDown: () => Promise<boolean>;
}

export const authMount: FastifyPluginAsync<AuthMountOptions> = async (app, { auth, baseUrl, databaseDown }) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.route({
    method: ["GET", "POST"],
    url: "/api/auth/*",
    async handler(request, reply) {
      const headers = fromNodeHeaders(request.headers);
      for (const name of HOP_BY_HOP) headers.delete(name);
      headers.set(CLIENT_IP_HEADER, request.ip);
      const raw = request.method === "GET" ? undefined : (request.body as Buffer | undefined);
      const body = raw && raw.length > 0 ? new Uint8Array(raw) : undefined;
      const response = await auth.handler(
        new Request(new URL(request.url, baseUrl), { method: request.method, headers, body }),
      );

      if (response.status >= 500) {
        // Better Auth has logged the cause; the client learns only whether to retry.
        const unavailable = await databaseDown();
        return unavailable
          ? reply.code(503).header("retry-after", "5").send({ error: "Service Unavailable" })
          : reply.code(response.status).send({ error: "Internal Server Error" });
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
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) reply.header("set-cookie", cookies);
      return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
    },
  });
};

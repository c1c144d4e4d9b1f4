import { fromNodeHeaders } from "better-auth/node";
import type { FastifyPluginAsync } from "fastify";
import { type Auth, CLIENT_IP_HEADER } from "./auth.js";

const HOP_BY_HOP = ["connection", "content-length", "keep-alive", "transfer-encoding", "upgrade"];

/**
 * Mounts Better Auth's fetch handler at /api/auth/*. The plugin is encapsulated and keeps
 * every body as raw bytes, so JSON and form posts reach Better Auth exactly as sent.
 */
export const authMount: FastifyPluginAsync<{ auth: Auth; baseUrl: string }> = async (app, { auth, baseUrl }) => {
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

      reply.status(response.status);
      response.headers.forEach((value, name) => {
        if (name !== "set-cookie") reply.header(name, value);
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) reply.header("set-cookie", cookies);
      return reply.send(response.body ? Buffer.from(await response.arrayBuffer()) : null);
    },
  });
};

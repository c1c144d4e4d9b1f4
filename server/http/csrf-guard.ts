import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { sendError } from "./error-body.js";

/**
 * tRPC would accept form posts any website can send. Mutations therefore must be JSON,
 * and a request carrying cookies must come from a trusted origin (or from a non-browser
 * client that sends no Origin and no cross-site Sec-Fetch-Site).
 */
export const csrfGuard = fp<{ prefix: string; trustedOrigins: string[] }>(
  async (app, { prefix, trustedOrigins }) => {
    const trusted = new Set(trustedOrigins);
    app.addHook("onRequest", async (request: FastifyRequest, reply: FastifyReply) => {
      if (request.method !== "POST" || !request.url.startsWith(`${prefix}/`)) return;
      const type = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/json") {
        return sendError(reply, 415, { message: "Send calls to /trpc as content-type: application/json" });
      }
      if (!request.headers.cookie) return;
      const origin = request.headers.origin;
      const crossSite = request.headers["sec-fetch-site"] === "cross-site";
      if (origin ? !trusted.has(origin) : crossSite) {
        return sendError(reply, 403, { code: "INVALID_ORIGIN", message: "Calls that carry a cookie must come from a trusted origin" });
      }
    });
  },
  { name: "keyway-csrf-guard" },
);

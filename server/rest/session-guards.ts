import { isAPIError } from "better-auth/api";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { AuthSession } from "../auth/auth.js";
import { CLIENT_IP_HEADER } from "../auth/auth-headers.js";
import type { SessionReader } from "../auth/read-session.js";
import { hasRole } from "../auth/roles.js";

declare module "fastify" {
  interface FastifyRequest {
    authSession: AuthSession | null;
  }
}

/** Reads the caller's session for a REST route, forwarding any refreshed cookie. */
export function sessionLoader(sessions: SessionReader) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = fromNodeHeaders(request.headers);
    headers.set(CLIENT_IP_HEADER, request.ip);
    const read = await sessions.read(headers).catch((error: unknown) => {
      if (isAPIError(error) && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.body?.message ?? error.message });
      throw error;
    });
    if (!("session" in read)) return read;
    if (read.setCookies.length > 0) reply.header("set-cookie", read.setCookies);
    request.authSession = read.session;
  };
}

export async function requireSession(request: FastifyRequest, reply: FastifyReply) {
  if (!request.authSession) return reply.code(401).send({ error: "Unauthorized" });
}

export async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
  if (!request.authSession) return reply.code(401).send({ error: "Unauthorized" });
  if (!hasRole(request.authSession.user, "admin")) return reply.code(403).send({ error: "Forbidden" });
}

import { isAPIError } from "better-auth/api";
import { fromNodeHeaders } from "better-auth/node";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Access, AccessDecider, Refusal } from "../auth/access.js";
import { CLIENT_IP_HEADER } from "../auth/auth-headers.js";
import { sendError } from "../http/error-body.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The access decision's answer for this request; null without standing. */
    access: Access | null;
    accessRefusal: Refusal | null;
  }
}

/** Runs the access decision for a REST route, forwarding any refreshed cookie. */
export function accessLoader(decider: AccessDecider) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const headers = fromNodeHeaders(request.headers);
    headers.set(CLIENT_IP_HEADER, request.ip);
    const result = await decider.decide(headers).catch((error: unknown) => {
      if (isAPIError(error) && error.statusCode < 500) return sendError(reply, error.statusCode, { code: error.body?.code, message: error.body?.message ?? error.message });
      throw error;
    });
    if (!("decision" in result)) return result;
    if (result.setCookies.length > 0) reply.header("set-cookie", result.setCookies);
    request.access = result.decision.access;
    request.accessRefusal = result.decision.refusal ?? null;
  };
}

export async function requireSession(request: FastifyRequest, reply: FastifyReply) {
  const refusal = request.accessRefusal;
  if (refusal) return sendError(reply, refusal.status, { code: refusal.code, message: refusal.message });
  if (!request.access) return sendError(reply, 401);
}

export async function requireAdmin(request: FastifyRequest, reply: FastifyReply) {
  const refused = await requireSession(request, reply);
  if (refused) return refused;
  if (!request.access!.admin) return sendError(reply, 403, { message: "Only admins may do this" });
}

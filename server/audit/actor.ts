import { CLIENT_IP_HEADER } from "../auth/auth-headers.js";
import type { AuditEventInsert } from "../../db/schema/index.js";

/** The longest user agent the audit log keeps. */
export const USER_AGENT_MAX = 512;

/** Who is acting in a request, as the audit log records it. */
export function auditActor(ctx: {
  user: { id: string };
  session: { impersonatedBy?: string | null };
  headers: Headers;
}): Pick<AuditEventInsert, "actorUserId" | "impersonatorId" | "ip" | "userAgent"> {
  return {
    actorUserId: ctx.user.id,
    impersonatorId: ctx.session.impersonatedBy ?? null,
    ip: ctx.headers.get(CLIENT_IP_HEADER),
    userAgent: ctx.headers.get("user-agent")?.slice(0, USER_AGENT_MAX) ?? null,
  };
}

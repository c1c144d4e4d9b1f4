import type { BetterAuthPlugin } from "better-auth";
import { createAuthMiddleware, getSessionFromCtx, isAPIError } from "better-auth/api";
import type { Db } from "../../../db/client.js";
import { CLIENT_IP_HEADER } from "../auth-headers.js";
import { ACTOR_BEFORE, AUDITED_PATHS, SIGN_IN_PATHS } from "../../audit/actions.js";
import { USER_AGENT_MAX } from "../../audit/actor.js";
import { recordAuditEvent } from "../../audit/record.js";

type Who = { user: { id: string }; session: Record<string, unknown> } | null | undefined;

/** What an admin's update-user changed: the field names, and the new role or ban state (no other values). */
function updatedFields(data: unknown) {
  const changes = data && typeof data === "object" ? (data as Record<string, unknown>) : {};
  return {
    fields: Object.keys(changes).sort(),
    ...("role" in changes ? { role: changes.role } : {}),
    ...("banned" in changes ? { banned: changes.banned } : {}),
  };
}

/** The passkey an add, rename or removal is about: the new row's id, or the one the body names. */
function passkeyIdOf(path: string, body: Record<string, unknown>, returned: unknown) {
  const id = path === "/passkey/verify-registration" ? (returned as { id?: unknown } | null)?.id : body.id;
  return typeof id === "string" ? id : null;
}

/** Records Better Auth's security-relevant actions in the audit log (see actions.ts). */
export function auditLog(db: Db) {
  const actors = new WeakMap<object, Who>();
  return {
    id: "keyway-audit-log",
    hooks: {
      before: [
        {
          matcher: (context) => ACTOR_BEFORE.has(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            actors.set(ctx.context, await getSessionFromCtx(ctx, { disableCookieCache: true }));
          }),
        },
      ],
      after: [
        {
          matcher: (context) => (context.path ?? "") in AUDITED_PATHS,
          handler: createAuthMiddleware(async (ctx) => {
            const path = ctx.path ?? "";
            const spec = AUDITED_PATHS[path]!;
            const returned = ctx.context.returned;
            const failed = isAPIError(returned);
            if (failed && !SIGN_IN_PATHS.has(path)) return;
            // A redirect answer (magic link, email verification) can be a failure too.
            if (!failed && returned instanceof Response && /[?&]error=/.test(returned.headers.get("location") ?? "")) return;

            const who: Who = actors.get(ctx.context) ?? ctx.context.newSession ?? ctx.context.session;
            const body = (ctx.body ?? {}) as Record<string, unknown>;
            const headers = ctx.headers;
            await recordAuditEvent(db, {
              action: failed ? "session.sign_in_failed" : spec.action,
              actorUserId: failed ? null : (who?.user.id ?? null),
              impersonatorId: typeof who?.session.impersonatedBy === "string" ? who.session.impersonatedBy : null,
              targetType: spec.target ?? null,
              targetId: spec.target && typeof body.userId === "string" ? body.userId : null,
              organizationId: typeof body.organizationId === "string" ? body.organizationId : null,
              ip: headers?.get(CLIENT_IP_HEADER) ?? null,
              userAgent: headers?.get("user-agent")?.slice(0, USER_AGENT_MAX) ?? null,
              detail: {
                ...(failed ? { status: returned.statusCode } : {}),
                ...(typeof body.email === "string" && SIGN_IN_PATHS.has(path) ? { email: body.email.toLowerCase() } : {}),
                ...(typeof body.username === "string" ? { username: body.username } : {}),
                ...(path === "/admin/set-role" ? { role: body.role } : {}),
                ...(path === "/admin/ban-user" ? { reason: body.banReason ?? null, expiresIn: body.banExpiresIn ?? null } : {}),
                ...(path === "/admin/update-user" ? updatedFields(body.data) : {}),
                ...(path.startsWith("/passkey/") && path !== "/passkey/verify-authentication" ? { passkeyId: passkeyIdOf(path, body, returned) } : {}),
              },
            });
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}

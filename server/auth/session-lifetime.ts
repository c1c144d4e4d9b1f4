import type { BetterAuthOptions } from "better-auth";
import { IMPERSONATION_SECONDS } from "./plugins/impersonation.js";

/**
 * An absolute lifetime on top of Better Auth's sliding one: refreshing a session never
 * moves its expiry past `createdAt + absoluteSeconds` (an impersonation's past its hour),
 * so it then expires everywhere.
 */
export function absoluteLifetime(absoluteSeconds: number): NonNullable<BetterAuthOptions["databaseHooks"]> {
  return {
    session: {
      update: {
        async before(data, context) {
          const current = context?.context.session?.session;
          if (!data.expiresAt || !current) return;
          const lifetime = (current as { impersonatedBy?: string | null }).impersonatedBy ? IMPERSONATION_SECONDS : absoluteSeconds;
          const cap = new Date(new Date(current.createdAt).getTime() + lifetime * 1000);
          if (new Date(data.expiresAt) > cap) return { data: { ...data, expiresAt: cap } };
        },
      },
      create: {
        async before(data) {
          const cap = new Date(new Date(data.createdAt ?? Date.now()).getTime() + absoluteSeconds * 1000);
          if (new Date(data.expiresAt) > cap) return { data: { ...data, expiresAt: cap } };
        },
      },
    },
  };
}

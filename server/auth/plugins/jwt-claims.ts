import { randomUUID } from "node:crypto";

type SessionPair = { user: Record<string, unknown> & { id: string }; session: Record<string, unknown> };

/** The user fields a third party receives; account state such as bans stays inside keyway. */
const USER_CLAIMS = ["email", "emailVerified", "name", "image", "role", "username"] as const;

/**
 * The payload of a JWT from /api/auth/token: the user claims, a unique `jti`, and while an
 * admin impersonates the user, RFC 8693's `act` naming the admin who really acts.
 */
export function jwtClaims({ user, session }: SessionPair): Record<string, unknown> {
  const claims: Record<string, unknown> = { jti: randomUUID() };
  for (const field of USER_CLAIMS) if (user[field] !== undefined) claims[field] = user[field];
  if (typeof session.impersonatedBy === "string") claims.act = { sub: session.impersonatedBy };
  return claims;
}

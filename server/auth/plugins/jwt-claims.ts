import { randomUUID } from "node:crypto";

type SessionPair = { user: Record<string, unknown> & { id: string }; session: Record<string, unknown> };

/**
 * The user fields a third party receives, under their registered JWT claim names (IANA's JWT
 * claims registry, from OpenID Connect), plus keyway's `role`. Account state such as bans stays inside keyway.
 */
const USER_CLAIMS = { email: "email", emailVerified: "email_verified", name: "name", image: "picture", username: "preferred_username", role: "role" } as const;

/**
 * The payload of a JWT from /api/auth/token beside Better Auth's `iss`, `aud`, `sub`, `iat` and
 * `exp`: the user claims that are set, a unique `jti`, and while an admin impersonates the
 * user, RFC 8693's `act` naming the admin who really acts.
 */
export function jwtClaims({ user, session }: SessionPair): Record<string, unknown> {
  const claims: Record<string, unknown> = { jti: randomUUID() };
  for (const [field, claim] of Object.entries(USER_CLAIMS)) if (user[field] !== undefined && user[field] !== null) claims[claim] = user[field];
  if (typeof session.impersonatedBy === "string") claims.act = { sub: session.impersonatedBy };
  return claims;
}

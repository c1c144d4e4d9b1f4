import type { AuthSession } from "./auth.js";

interface UserRow {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  image?: string | null;
  role?: string | null;
  twoFactorEnabled?: boolean | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * What clients may see of a user: never the raw row. The same row gives the same frozen object
 * each time, so that a session served from the session cache is serialized only once (see
 * server/trpc/transformer.ts); rows are never changed after they are read.
 */
export function toPublicUser(user: UserRow): PublicUser {
  let found = publicUsers.get(user);
  if (!found) publicUsers.set(user, (found = Object.freeze(publicFieldsOf(user))));
  return found;
}

const publicUsers = new WeakMap<UserRow, PublicUser>();

function publicFieldsOf(user: UserRow) {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    emailVerified: user.emailVerified,
    image: user.image ?? null,
    role: user.role ?? "user",
    twoFactorEnabled: user.twoFactorEnabled ?? false,
    createdAt: user.createdAt,
    updatedAt: user.updatedAt,
  };
}

/** What clients may see of a session: never the token. Frozen and reused per session, like toPublicUser. */
export function toPublicSession(current: AuthSession): PublicSession {
  let found = publicSessions.get(current);
  if (!found) publicSessions.set(current, (found = Object.freeze(publicSessionFieldsOf(current))));
  return found;
}

const publicSessions = new WeakMap<AuthSession, PublicSession>();

function publicSessionFieldsOf(current: AuthSession) {
  const session = {
    id: current.session.id,
    expiresAt: current.session.expiresAt,
    impersonatedBy: current.session.impersonatedBy ?? null,
  };
  Object.freeze(session);
  return { user: toPublicUser(current.user), session };
}

export type PublicUser = ReturnType<typeof publicFieldsOf>;
export type PublicSession = ReturnType<typeof publicSessionFieldsOf>;

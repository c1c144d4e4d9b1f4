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

/** What clients may see of a session: never the token. */
export function toPublicSession(current: AuthSession) {
  return {
    user: toPublicUser(current.user),
    session: {
      id: current.session.id,
      expiresAt: current.session.expiresAt,
      impersonatedBy: current.session.impersonatedBy ?? null,
    },
  };
}

export type PublicUser = ReturnType<typeof publicFieldsOf>;
export type PublicSession = ReturnType<typeof toPublicSession>;

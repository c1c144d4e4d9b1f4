import type { AuthSession } from "../auth/auth.js";

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
 * `make`, once per key object: later calls with the same object get the same frozen answer, so
 * that a session served from the session cache is serialized only once (see
 * server/trpc/transformer.ts). Rows and sessions are never changed after they are read.
 */
function frozenPer<K extends object, V extends object>(make: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, V>();
  return (key) => {
    let found = made.get(key);
    if (!found) made.set(key, (found = Object.freeze(make(key))));
    return found;
  };
}

/** What clients may see of a user: never the raw row. */
export const toPublicUser = frozenPer(publicFieldsOf);

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
export const toPublicSession = frozenPer(publicSessionFieldsOf);

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

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

/** What clients may see of a session: never the token, never the raw rows. */
export function toPublicUser(user: UserRow) {
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

export type PublicUser = ReturnType<typeof toPublicUser>;
export type PublicSession = ReturnType<typeof toPublicSession>;

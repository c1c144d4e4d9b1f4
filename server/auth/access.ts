import { eq } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { user } from "../../db/schema/index.js";
import type { AuthSession } from "./auth.js";
import { isFresh } from "./plugins/fresh-session.js";
import { IMPERSONATION_SECONDS } from "./plugins/impersonation.js";
import type { SessionReader } from "../session-fast-path/read-session.js";
import { hasRole } from "./roles.js";

/** How the caller is acting: their own interactive session, an admin's impersonation of them, or an API key. */
export type CredentialKind = "session" | "impersonation" | "api-key";

/** Who is calling and with what standing: the one answer every surface (tRPC, REST, /api/auth) asks for. */
export interface Access {
  /** The session as Better Auth (or the session cache) returned it: the same object across cached calls. */
  current: AuthSession;
  user: AuthSession["user"];
  session: AuthSession["session"];
  credential: CredentialKind;
  /** Signed in interactively within SESSION_FRESH_AGE; never an API key or an impersonation. */
  fresh: boolean;
  /** Holds the admin role and acts through their own interactive session. */
  admin: boolean;
  /** The admin behind an impersonation session. */
  impersonatedBy: string | null;
}

/** Why a presented credential does not count; surfaces answer `status` with this code and message. */
export interface Refusal {
  status: 400 | 401 | 403;
  code: string;
  message: string;
}

export type Decision = { access: Access; refusal?: undefined } | { access: null; refusal?: Refusal };

export interface AccessDecider {
  /** The request's credential applied to the account's current state; no credential → `{ access: null }`. */
  decide(headers: Headers): Promise<{ decision: Decision; setCookies: string[] }>;
}

const refusals = {
  both: { status: 400, code: "AMBIGUOUS_CREDENTIALS", message: "Send either a session cookie or an API key, not both" },
  banned: { status: 403, code: "BANNED_USER", message: "This account is banned" },
  impersonationEnded: { status: 401, code: "IMPERSONATION_ENDED", message: "This impersonation has ended. Sign in again." },
} as const satisfies Record<string, Refusal>;

function isBanned(account: { banned?: boolean | null; banExpires?: Date | string | null }): boolean {
  if (!account.banned) return false;
  return !account.banExpires || new Date(account.banExpires).getTime() > Date.now();
}

/** An impersonation counts only within its hour and while the admin behind it is still an active admin. */
async function impersonationHolds(db: Db, session: AuthSession["session"], impersonatedBy: string): Promise<boolean> {
  if (new Date(session.createdAt).getTime() + IMPERSONATION_SECONDS * 1000 <= Date.now()) return false;
  const [admin] = await db
    .select({ role: user.role, banned: user.banned, banExpires: user.banExpires })
    .from(user)
    .where(eq(user.id, impersonatedBy));
  return !!admin && !isBanned(admin) && hasRole(admin, "admin");
}

/** The rules, for a session Better Auth has already found valid. */
export async function standingOf(db: Db, found: AuthSession, viaApiKey: boolean, freshAgeSeconds: number): Promise<Decision> {
  if (isBanned(found.user)) return { access: null, refusal: refusals.banned };
  const impersonatedBy = (found.session as { impersonatedBy?: string | null }).impersonatedBy ?? null;
  if (viaApiKey) {
    return { access: { current: found, ...found, credential: "api-key", fresh: false, admin: false, impersonatedBy: null } };
  }
  if (impersonatedBy) {
    if (!(await impersonationHolds(db, found.session, impersonatedBy))) return { access: null, refusal: refusals.impersonationEnded };
    return { access: { current: found, ...found, credential: "impersonation", fresh: false, admin: false, impersonatedBy } };
  }
  return {
    access: {
      current: found,
      ...found,
      credential: "session",
      fresh: isFresh(found.session, freshAgeSeconds),
      admin: hasRole(found.user, "admin"),
      impersonatedBy: null,
    },
  };
}

export function createAccessDecider(sessions: SessionReader, db: Db, freshAgeSeconds: number): AccessDecider {
  return {
    async decide(headers) {
      const read = await sessions.read(headers);
      if (read.credential === "both") return { decision: { access: null, refusal: refusals.both }, setCookies: [] };
      if (!read.session) return { decision: { access: null }, setCookies: read.setCookies };
      const decision = await standingOf(db, read.session, read.credential === "api-key", freshAgeSeconds);
      return { decision, setCookies: decision.access ? read.setCookies : [] };
    },
  };
}

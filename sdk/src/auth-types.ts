/**
 * The part of Better Auth's client that keyway publishes, declared by hand so the SDK's
 * declarations need nothing from better-auth. `createAuth` in auth-client.ts is annotated
 * with `KeywayAuth`, so the compiler checks every line here against Better Auth's own client.
 */

import type { PasskeyActions, PasskeySignIn } from "./passkey-types.js";
import type { PhoneNumberActions, PhoneNumberSignIn } from "./phone-types.js";
import type { KeywayError } from "./errors.js";

/** A failed `c.auth.*` call: a KeywayError (`code`, `status`, `message`) with the HTTP status text. */
export interface AuthError extends KeywayError {
  readonly statusText: string;
}

/** Better Auth's own error object, before the SDK makes it a KeywayError: what auth-client.ts checks against. */
export interface BetterAuthError {
  message?: string;
  code?: string;
  status: number;
  statusText: string;
}

/** A `c.auth.*` call never throws for a refusal or a server not reached: it answers with `data` or `error`. */
export type AuthResult<T, E = AuthError> = Promise<{ data: T; error: null } | { data: null; error: E }>;

type OptionalQuery<T> = { query?: T } | undefined;

export interface AuthUser {
  id: string;
  email: string;
  name: string;
  emailVerified: boolean;
  image?: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface AuthSessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
  createdAt: Date;
  updatedAt: Date;
  ipAddress?: string | null;
  userAgent?: string | null;
}

/** What a sign-in answers: the user, or `twoFactorRedirect: true` when a second factor is due. */
export interface SignInResult {
  user?: AuthUser;
  redirect?: boolean;
  url?: string;
  twoFactorRedirect?: boolean;
}

export interface Organization {
  id: string;
  name: string;
  slug: string;
  logo?: string | null;
  createdAt: Date;
}

export interface Member {
  id: string;
  organizationId: string;
  userId: string;
  role: string;
  createdAt: Date;
}

export interface Invitation {
  id: string;
  organizationId: string;
  email: string;
  role: string;
  status: string;
  expiresAt: Date;
}

export interface Team {
  id: string;
  name: string;
  organizationId: string;
}

export type OrganizationRole = "owner" | "admin" | "member";

/** `E` is only for auth-client.ts's check against Better Auth's client: callers see `KeywayAuth`. */
export interface KeywayAuth<E = AuthError> {
  signUp: {
    email(input: { email: string; password: string; name: string; image?: string; username?: string; callbackURL?: string }): AuthResult<{ token: string | null; user: AuthUser }, E>;
  };
  signIn: {
    email(input: { email: string; password: string; rememberMe?: boolean; callbackURL?: string }): AuthResult<SignInResult, E>;
    username(input: { username: string; password: string; rememberMe?: boolean }): AuthResult<SignInResult, E>;
    social(input: { provider: string; callbackURL?: string; errorCallbackURL?: string; newUserCallbackURL?: string; disableRedirect?: boolean; scopes?: string[] }): AuthResult<{ url?: string; redirect: boolean }, E>;
    magicLink(input: { email: string; name?: string; callbackURL?: string }): AuthResult<{ status: boolean }, E>;
    emailOtp(input: { email: string; otp: string }): AuthResult<{ user: AuthUser }, E>;
    passkey: PasskeySignIn<E>;
    phoneNumber: PhoneNumberSignIn<E>;
  };
  passkey: PasskeyActions<E>;
  phoneNumber: PhoneNumberActions<E>;
  signOut(): AuthResult<{ success: boolean }, E>;
  /** Signs in with a GitHub personal access token (keyway's own endpoint). */
  patSignIn(input: { pat: string }): AuthResult<{ success: true }, E>;

  sendVerificationEmail(input: { email: string; callbackURL?: string }): AuthResult<{ status: boolean }, E>;
  requestPasswordReset(input: { email: string; redirectTo?: string }): AuthResult<{ status: boolean }, E>;
  resetPassword(input: { newPassword: string; token?: string }): AuthResult<{ status: boolean }, E>;
  changePassword(input: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean }): AuthResult<{ user: AuthUser }, E>;
  changeEmail(input: { newEmail: string; callbackURL?: string }): AuthResult<{ status: boolean }, E>;
  deleteUser(input?: { password?: string; token?: string; callbackURL?: string }): AuthResult<{ success: boolean }, E>;
  isUsernameAvailable(input: { username: string }): AuthResult<{ available: boolean }, E>;
  listAccounts(): AuthResult<Array<{ id: string; providerId: string; accountId: string; scopes: string[] }>, E>;
  getAccessToken(input: { accountId: string; userId?: string }): AuthResult<{ accessToken: string; accessTokenExpiresAt?: Date; scopes: string[] }, E>;

  emailOtp: {
    sendVerificationOtp(input: { email: string; type: "sign-in" | "email-verification" | "forget-password" }): AuthResult<{ success: boolean }, E>;
  };

  twoFactor: {
    enable(input: { password: string; issuer?: string }): AuthResult<{ method: "totp"; totpURI: string; backupCodes: string[] } | { method: "otp" }, E>;
    disable(input: { password: string }): AuthResult<{ status: boolean }, E>;
    verifyTotp(input: { code: string; trustDevice?: boolean }): AuthResult<{ token: string; user: AuthUser }, E>;
    sendOtp(input?: { trustDevice?: boolean }): AuthResult<{ status: boolean }, E>;
    verifyOtp(input: { code: string; trustDevice?: boolean }): AuthResult<{ token: string; user: AuthUser }, E>;
    verifyBackupCode(input: { code: string; trustDevice?: boolean; disableSession?: boolean }): AuthResult<{ token: string | undefined; user: AuthUser }, E>;
    generateBackupCodes(input: { password: string }): AuthResult<{ status: boolean; backupCodes: string[] }, E>;
  };

  organization: {
    create(input: { name: string; slug: string; logo?: string; keepCurrentActiveOrganization?: boolean }): AuthResult<Organization | null, E>;
    update(input: { data: { name?: string; slug?: string; logo?: string }; organizationId?: string }): AuthResult<Organization | null, E>;
    delete(input: { organizationId: string }): AuthResult<unknown, E>;
    list(): AuthResult<Organization[], E>;
    setActive(input: { organizationId?: string | null; organizationSlug?: string }): AuthResult<Organization | null, E>;
    getFullOrganization(input?: OptionalQuery<{ organizationId?: string; organizationSlug?: string }>): AuthResult<(Organization & { members: Array<Member & { user: { id: string; name: string; email: string } }>; invitations: Invitation[] }) | null, E>;
    listMembers(input?: OptionalQuery<{ organizationId?: string; limit?: number; offset?: number }>): AuthResult<{ members: Array<Member & { user: { id: string; name: string; email: string } }>; total: number }, E>;
    inviteMember(input: { email: string; role: OrganizationRole | OrganizationRole[]; organizationId?: string; resend?: boolean }): AuthResult<Invitation, E>;
    listInvitations(input?: OptionalQuery<{ organizationId?: string }>): AuthResult<Invitation[], E>;
    acceptInvitation(input: { invitationId: string }): AuthResult<{ invitation: Invitation; member: Member } | null, E>;
    rejectInvitation(input: { invitationId: string }): AuthResult<{ invitation: Invitation | null; member: null } | null, E>;
    cancelInvitation(input: { invitationId: string }): AuthResult<Invitation | null, E>;
    updateMemberRole(input: { memberId: string; role: OrganizationRole | OrganizationRole[]; organizationId?: string }): AuthResult<Member, E>;
    removeMember(input: { memberIdOrEmail: string; organizationId?: string }): AuthResult<{ member: Member } | null, E>;
    leave(input: { organizationId: string }): AuthResult<unknown, E>;
    createTeam(input: { name: string; organizationId?: string }): AuthResult<Team, E>;
    addTeamMember(input: { teamId: string; userId: string }): AuthResult<unknown, E>;
    removeTeamMember(input: { teamId: string; userId: string }): AuthResult<unknown, E>;
  };

  admin: {
    setRole(input: { userId: string; role: "user" | "admin" | Array<"user" | "admin"> }): AuthResult<{ user: AuthUser }, E>;
  };

  getSession(input?: OptionalQuery<{ disableCookieCache?: boolean }>): AuthResult<{ user: AuthUser; session: AuthSessionRow } | null, E>;
  listSessions(): AuthResult<AuthSessionRow[], E>;
}

/**
 * The part of Better Auth's client that keyway publishes, declared by hand so the SDK's
 * declarations need nothing from better-auth. `createAuth` in auth-client.ts is annotated
 * with `KeywayAuth`, so the compiler checks every line here against Better Auth's own client.
 */

export interface AuthError {
  message?: string;
  code?: string;
  status: number;
  statusText: string;
}

/** Better Auth never throws for a refused call: it answers with `data` or `error`. */
export type AuthResult<T> = Promise<{ data: T; error: null } | { data: null; error: AuthError }>;

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

export interface KeywayAuth {
  signUp: {
    email(input: { email: string; password: string; name: string; image?: string; username?: string; callbackURL?: string }): AuthResult<{ token: string | null; user: AuthUser }>;
  };
  signIn: {
    email(input: { email: string; password: string; rememberMe?: boolean; callbackURL?: string }): AuthResult<SignInResult>;
    username(input: { username: string; password: string; rememberMe?: boolean }): AuthResult<SignInResult>;
    social(input: { provider: string; callbackURL?: string; errorCallbackURL?: string; newUserCallbackURL?: string; disableRedirect?: boolean; scopes?: string[] }): AuthResult<{ url?: string; redirect: boolean }>;
    magicLink(input: { email: string; name?: string; callbackURL?: string }): AuthResult<{ status: boolean }>;
    emailOtp(input: { email: string; otp: string }): AuthResult<{ user: AuthUser }>;
  };
  signOut(): AuthResult<{ success: boolean }>;
  /** Signs in with a GitHub personal access token (keyway's own endpoint). */
  patSignIn(input: { pat: string }): AuthResult<{ success: true }>;

  sendVerificationEmail(input: { email: string; callbackURL?: string }): AuthResult<{ status: boolean }>;
  requestPasswordReset(input: { email: string; redirectTo?: string }): AuthResult<{ status: boolean }>;
  resetPassword(input: { newPassword: string; token?: string }): AuthResult<{ status: boolean }>;
  changePassword(input: { currentPassword: string; newPassword: string; revokeOtherSessions?: boolean }): AuthResult<{ user: AuthUser }>;
  changeEmail(input: { newEmail: string; callbackURL?: string }): AuthResult<{ status: boolean }>;
  deleteUser(input?: { password?: string; token?: string; callbackURL?: string }): AuthResult<{ success: boolean }>;
  isUsernameAvailable(input: { username: string }): AuthResult<{ available: boolean }>;
  listAccounts(): AuthResult<Array<{ id: string; providerId: string; accountId: string; scopes: string[] }>>;
  getAccessToken(input: { accountId: string; userId?: string }): AuthResult<{ accessToken: string; accessTokenExpiresAt?: Date; scopes: string[] }>;

  emailOtp: {
    sendVerificationOtp(input: { email: string; type: "sign-in" | "email-verification" | "forget-password" }): AuthResult<{ success: boolean }>;
  };

  twoFactor: {
    enable(input: { password: string; issuer?: string }): AuthResult<{ method: "totp"; totpURI: string; backupCodes: string[] } | { method: "otp" }>;
    disable(input: { password: string }): AuthResult<{ status: boolean }>;
    verifyTotp(input: { code: string; trustDevice?: boolean }): AuthResult<{ token: string; user: AuthUser }>;
    sendOtp(input?: { trustDevice?: boolean }): AuthResult<{ status: boolean }>;
    verifyOtp(input: { code: string; trustDevice?: boolean }): AuthResult<{ token: string; user: AuthUser }>;
    verifyBackupCode(input: { code: string; trustDevice?: boolean; disableSession?: boolean }): AuthResult<{ token: string | undefined; user: AuthUser }>;
    generateBackupCodes(input: { password: string }): AuthResult<{ status: boolean; backupCodes: string[] }>;
  };

  organization: {
    create(input: { name: string; slug: string; logo?: string; keepCurrentActiveOrganization?: boolean }): AuthResult<Organization | null>;
    update(input: { data: { name?: string; slug?: string; logo?: string }; organizationId?: string }): AuthResult<Organization | null>;
    delete(input: { organizationId: string }): AuthResult<unknown>;
    list(): AuthResult<Organization[]>;
    setActive(input: { organizationId?: string | null; organizationSlug?: string }): AuthResult<Organization | null>;
    getFullOrganization(input?: OptionalQuery<{ organizationId?: string; organizationSlug?: string }>): AuthResult<(Organization & { members: Array<Member & { user: { id: string; name: string; email: string } }>; invitations: Invitation[] }) | null>;
    listMembers(input?: OptionalQuery<{ organizationId?: string; limit?: number; offset?: number }>): AuthResult<{ members: Array<Member & { user: { id: string; name: string; email: string } }>; total: number }>;
    inviteMember(input: { email: string; role: OrganizationRole | OrganizationRole[]; organizationId?: string; resend?: boolean }): AuthResult<Invitation>;
    listInvitations(input?: OptionalQuery<{ organizationId?: string }>): AuthResult<Invitation[]>;
    acceptInvitation(input: { invitationId: string }): AuthResult<{ invitation: Invitation; member: Member } | null>;
    rejectInvitation(input: { invitationId: string }): AuthResult<{ invitation: Invitation | null; member: null } | null>;
    cancelInvitation(input: { invitationId: string }): AuthResult<Invitation | null>;
    updateMemberRole(input: { memberId: string; role: OrganizationRole | OrganizationRole[]; organizationId?: string }): AuthResult<Member>;
    removeMember(input: { memberIdOrEmail: string; organizationId?: string }): AuthResult<{ member: Member } | null>;
    leave(input: { organizationId: string }): AuthResult<unknown>;
    createTeam(input: { name: string; organizationId?: string }): AuthResult<Team>;
    addTeamMember(input: { teamId: string; userId: string }): AuthResult<unknown>;
    removeTeamMember(input: { teamId: string; userId: string }): AuthResult<unknown>;
  };

  admin: {
    setRole(input: { userId: string; role: "user" | "admin" | Array<"user" | "admin"> }): AuthResult<{ user: AuthUser }>;
  };

  getSession(input?: OptionalQuery<{ disableCookieCache?: boolean }>): AuthResult<{ user: AuthUser; session: AuthSessionRow } | null>;
  listSessions(): AuthResult<AuthSessionRow[]>;
}

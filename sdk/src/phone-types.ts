import type { AuthError, AuthResult, AuthUser, SignInResult } from "./auth-types.js";

/** A user as the phone endpoints answer it: with the number, once proven. */
export interface PhoneUser extends AuthUser {
  phoneNumber?: string | null;
  phoneNumberVerified?: boolean | null;
}

/** What a right code answers: the user, or `twoFactorRedirect: true` (and no session) when a second factor is due. */
export interface PhoneVerifyResult {
  status?: boolean;
  user?: PhoneUser;
  twoFactorRedirect?: boolean;
}

/** Signs in with a proven number and the account's password. */
export type PhoneNumberSignIn<E = AuthError> = (input: { phoneNumber: string; password: string; rememberMe?: boolean }) => AuthResult<SignInResult, E>;

/**
 * Sign-in and verification by SMS code. Numbers are E.164 (`+14155550123`). keyway offers no
 * password reset by SMS, so neither does the SDK.
 */
export interface PhoneNumberActions<E = AuthError> {
  /** Sends a 6-digit code by SMS; answers the same for every valid number, known or not. */
  sendOtp(input: { phoneNumber: string }): AuthResult<{ message: string }, E>;
  /**
   * Checks the code: signs in the account that has this number, or, with `updatePhoneNumber`,
   * attaches the number to the signed-in account (a credential change: needs a fresh session).
   */
  verify(input: { phoneNumber: string; code: string; updatePhoneNumber?: boolean }): AuthResult<PhoneVerifyResult, E>;
}

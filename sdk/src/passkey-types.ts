import type { AuthError, AuthResult, AuthSessionRow, AuthUser } from "./auth-types.js";

/** A registered passkey as the API lists it (the public key only; the private key never leaves the authenticator). */
export interface Passkey {
  id: string;
  name?: string | null;
  userId: string;
  credentialID: string;
  publicKey: string;
  counter: number;
  deviceType: string;
  backedUp: boolean;
  transports?: string | null;
  aaguid?: string | null;
  createdAt?: Date | null;
}

/** Signs in with a passkey in the browser; `autoFill` waits for one picked from a `username webauthn` field's autofill. */
export type PasskeySignIn<E = AuthError> = (input?: { autoFill?: boolean }) => AuthResult<{ session: AuthSessionRow; user: AuthUser }, E>;

/** Adding, listing, renaming and removing the signed-in user's passkeys (adding runs the browser's WebAuthn ceremony). */
export interface PasskeyActions<E = AuthError> {
  addPasskey(input?: { name?: string; authenticatorAttachment?: "platform" | "cross-platform" }): AuthResult<Passkey, E>;
  listUserPasskeys(): AuthResult<Passkey[], E>;
  updatePasskey(input: { id: string; name: string }): AuthResult<{ passkey: Passkey }, E>;
  deletePasskey(input: { id: string }): AuthResult<{ status: boolean }, E>;
}

import { passkey } from "@better-auth/passkey";
import { APIError } from "@better-auth/core/error";
import type { Config } from "../config.js";

/** Better Auth's passkey endpoints that add, rename or remove a passkey: fresh session, the owner only. */
export const PASSKEY_CHANGE_PATHS = [
  "/passkey/generate-register-options",
  "/passkey/verify-registration",
  "/passkey/update-passkey",
  "/passkey/delete-passkey",
];

/**
 * Passkeys (WebAuthn) for the relying party config.passkey describes. Every passkey is made and
 * used with user verification (a PIN or biometric on the authenticator), so a passkey sign-in is
 * two factors at once and the second-factor gate lets it through.
 */
export function passkeyPlugin(config: Config) {
  return passkey({
    rpID: config.passkey.rpId,
    rpName: config.passkey.rpName,
    origin: config.passkey.origins,
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    authentication: {
      afterVerification: ({ verification }) => {
        if (!verification.authenticationInfo.userVerified) {
          throw new APIError("UNAUTHORIZED", { code: "USER_VERIFICATION_REQUIRED", message: "This passkey did not verify its user (PIN or biometric)" });
        }
      },
    },
  });
}

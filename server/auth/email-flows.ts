import { tryGetCurrentAuthEndpointContext } from "@better-auth/core/context";
import type { BetterAuthOptions } from "better-auth";
import { emailOTP, magicLink, twoFactor, username } from "better-auth/plugins";
import type { Config } from "../config.js";
import type { Mailer } from "../mail/mailer.js";
import { templates } from "../mail/templates.js";
import { confirmLinkUrl } from "./plugins/link-confirm.js";
import { SECRET_LIFETIME_SECONDS } from "../mail/lifetimes.js";

const OTP_PURPOSE = {
  "sign-in": "sign in",
  "email-verification": "confirm your email address",
  "forget-password": "reset your password",
  "change-email": "confirm your new email address",
} as const;

/** Better Auth options for verification, reset, change of email and account deletion by mail. */
export function emailOptions(config: Config, mailer: Mailer) {
  const send = (to: string, message: ReturnType<(typeof templates)[keyof typeof templates]>) => mailer.send({ to, ...message });
  return {
    emailAndPassword: {
      enabled: true,
      requireEmailVerification: config.mail.requireEmailVerification,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: SECRET_LIFETIME_SECONDS.resetLink,
      // The answer to a sign-up of an existing address must look exactly like a new account,
      // plugin fields included (the admin plugin's role is otherwise null here and "user" there).
      // The username plugin stores the username in lower case and the display username as
      // given (the username as sent when none is), so the synthetic answer does the same.
      customSyntheticUser: ({ coreFields, additionalFields, id }) => {
        const body = (tryGetCurrentAuthEndpointContext()?.body ?? {}) as { username?: unknown; displayUsername?: unknown };
        const username = typeof body.username === "string" ? body.username : null;
        const displayUsername = typeof body.displayUsername === "string" ? body.displayUsername : username;
        return {
          ...coreFields,
          role: "user",
          banned: false,
          banReason: null,
          banExpires: null,
          username: username?.toLowerCase() ?? null,
          displayUsername,
          twoFactorEnabled: false,
          ...additionalFields,
          id,
        };
      },
      sendResetPassword: async ({ user, url }) => send(user.email, templates.resetPassword(url)),
    },
    emailVerification: {
      sendOnSignUp: true,
      sendOnSignIn: true,
      // Opening the link verifies the address and signs no one in: a link followed by a bare GET
      // (a page on another site can send a browser there) must never choose who is signed in.
      autoSignInAfterVerification: false,
      expiresIn: SECRET_LIFETIME_SECONDS.verificationLink,
      sendVerificationEmail: async ({ user, url }) => send(user.email, templates.verifyEmail(url)),
    },
    user: {
      changeEmail: {
        enabled: true,
        // Sent to the current address; once confirmed, Better Auth verifies the new one.
        sendChangeEmailConfirmation: async ({ user, newEmail, url }) => send(user.email, templates.changeEmail(newEmail, url)),
      },
      deleteUser: {
        enabled: true,
        sendDeleteAccountVerification: async ({ user, url }) => send(user.email, templates.deleteAccount(url)),
      },
    },
  } satisfies Partial<BetterAuthOptions>;
}

/** Magic link, email OTP, username and two-factor sign-in. */
export function emailPlugins(config: Config, mailer: Mailer) {
  return [
    magicLink({
      expiresIn: SECRET_LIFETIME_SECONDS.magicLink,
      allowedAttempts: 1,
      storeToken: "hashed",
      sendMagicLink: async ({ email, url }) => mailer.send({ to: email, ...templates.magicLink(confirmLinkUrl(url)) }),
    }),
    emailOTP({
      otpLength: 6,
      expiresIn: SECRET_LIFETIME_SECONDS.emailCode,
      allowedAttempts: 3,
      storeOTP: "hashed",
      sendVerificationOTP: async ({ email, otp, type }) =>
        mailer.send({ to: email, ...templates.emailOtp(otp, OTP_PURPOSE[type as keyof typeof OTP_PURPOSE] ?? "continue") }),
    }),
    username({ minUsernameLength: 3, maxUsernameLength: 30 }),
    twoFactor({
      issuer: config.appName,
      otpOptions: {
        period: 5,
        sendOTP: async ({ user, otp }) => mailer.send({ to: user.email, ...templates.twoFactorOtp(otp) }),
      },
      backupCodeOptions: { amount: 10, length: 10, storeBackupCodes: "encrypted" },
      trustDeviceMaxAge: 30 * 24 * 60 * 60,
    }),
  ] as const;
}

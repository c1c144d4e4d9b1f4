import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { captcha } from "better-auth/plugins";

export type CaptchaProvider = "cloudflare-turnstile" | "hcaptcha" | "google-recaptcha";

export interface CaptchaSettings {
  provider: CaptchaProvider;
  secretKey: string;
  siteKey: string;
  /** The provider's siteverify URL, when not its public one. */
  verifyUrl?: string;
}

/** Every request that signs up, checks a secret, or sends a code or link to an address or number. */
const CAPTCHA_ENDPOINTS = [
  "/sign-up/email",
  "/sign-in/email",
  "/sign-in/username",
  "/sign-in/phone-number",
  "/sign-in/magic-link",
  "/email-otp/send-verification-otp",
  "/email-otp/request-password-reset",
  "/forget-password/email-otp",
  "/phone-number/send-otp",
  "/request-password-reset",
];

/** Beside Better Auth's captcha plugin's own codes. */
export const CAPTCHA_ERROR_CODES = defineErrorCodes({
  CAPTCHA_UNAVAILABLE: "The captcha could not be checked right now. Try again in a moment.",
});

/**
 * Better Auth's captcha plugin on CAPTCHA_ENDPOINTS: the browser sends the widget's token in
 * `x-captcha-response`. The plugin answers 500 when the provider cannot be reached; that is a
 * dependency failure here, so it becomes a 503 (the request is refused either way).
 */
export function captchaCheck(settings: CaptchaSettings) {
  const base = captcha({
    provider: settings.provider,
    secretKey: settings.secretKey,
    ...(settings.provider === "hcaptcha" ? { siteKey: settings.siteKey } : {}),
    siteVerifyURLOverride: settings.verifyUrl,
    endpoints: CAPTCHA_ENDPOINTS,
  });
  return {
    ...base,
    $ERROR_CODES: { ...base.$ERROR_CODES, ...CAPTCHA_ERROR_CODES },
    async onRequest(request, ctx) {
      const answer = await base.onRequest(request, ctx);
      if (answer?.response.status !== 500) return answer;
      const { code, message } = CAPTCHA_ERROR_CODES.CAPTCHA_UNAVAILABLE;
      return {
        response: new Response(JSON.stringify({ code, message }), {
          status: 503,
          headers: { "content-type": "application/json", "retry-after": "5" },
        }),
      };
    },
  } satisfies BetterAuthPlugin;
}

import { defineErrorCodes } from "@better-auth/core/utils/error-codes";
import type { BetterAuthPlugin } from "better-auth";
import { APIError, createAuthMiddleware } from "better-auth/api";

export const PROFILE_IMAGE_ERROR_CODES = defineErrorCodes({
  INVALID_IMAGE_URL: "image must be an http or https URL of at most 2048 characters",
});

const PATHS = new Set(["/update-user", "/sign-up/email"]);

const isWebUrl = (value: string) => {
  try {
    return ["http:", "https:"].includes(new URL(value).protocol);
  } catch {
    return false;
  }
};

/** A profile image is an http(s) URL or nothing: no `javascript:` or `data:` for others to render. */
export function profileImage() {
  return {
    id: "keyway-profile-image",
    $ERROR_CODES: PROFILE_IMAGE_ERROR_CODES,
    hooks: {
      before: [
        {
          matcher: (context) => PATHS.has(context.path ?? ""),
          handler: createAuthMiddleware(async (ctx) => {
            const image = (ctx.body as { image?: unknown } | undefined)?.image;
            if (image === undefined || image === null || (typeof image === "string" && image.length <= 2048 && isWebUrl(image))) return;
            throw APIError.from("BAD_REQUEST", PROFILE_IMAGE_ERROR_CODES.INVALID_IMAGE_URL);
          }),
        },
      ],
    },
  } satisfies BetterAuthPlugin;
}
